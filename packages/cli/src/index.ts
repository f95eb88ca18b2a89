// The package is the `tsgi` command (bin/tsgi.js); this is what a config file or a
// tool that starts it may want typed: the settings and how they are read.
export { ConfigError, loadConfigFile, resolveSettings, type Settings, type SettingsInput } from './config.js';
export { SETTING_SPECS, type SettingSpec } from './settings.js';
