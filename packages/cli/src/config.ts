/**
 * The CLI's settings, gathered like gunicorn's: command-line flags over `TSGI_*`
 * environment variables over a config file (`--config tsgi.config.json` or `.js`,
 * whose default export is the object) over the defaults. Times are in seconds, as
 * in gunicorn; every value is checked once here (setting-value.ts), with a one-line
 * error naming the option as it was given, the value and the accepted range.
 *
 * @example
 * const settings = resolveSettings([['the command line', command.flags], ['the environment', fromEnv(process.env)]]);
 *
 * @see https://docs.gunicorn.org/en/stable/settings.html
 * @module
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseBind } from './bind-address.js';
import { didYouMean } from './did-you-mean.js';
import type { LimitsOptions } from '@tsgi/server';
import { ConfigError, readValue } from './setting-value.js';
import { envName, flagName, SETTING_KEYS, SETTING_SPECS, settingDefaults, type SettingKey, type Settings } from './settings.js';

export { ConfigError } from './setting-value.js';
export { envName, flagName, SETTING_KEYS, type Settings } from './settings.js';

export type SettingsInput = { [K in SettingKey]?: unknown };

export const COMMAND_LINE = 'the command line';
export const ENVIRONMENT = 'the environment';

/** The option as the user wrote it: `--workers`, `TSGI_WORKERS` or `"workers" in tsgi.json`. */
export function settingLabel(key: SettingKey, where: string): string {
  if (where === COMMAND_LINE) return key === 'app' ? 'the application' : `--${flagName(key)}`;
  if (where === ENVIRONMENT) return envName(key);
  return `"${key}" in ${where}`;
}

/** Loads a config file: JSON, or a module whose default export is the settings object. */
export async function loadConfigFile(file: string, cwd = process.cwd()): Promise<SettingsInput> {
  const full = path.resolve(cwd, file);
  let value: unknown;
  try {
    value = full.endsWith('.json')
      ? JSON.parse(await readFile(full, 'utf8'))
      : ((await import(pathToFileURL(full).href)) as { default?: unknown }).default;
  } catch (error) {
    throw new ConfigError(`cannot read config file ${full}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`config file ${full} must hold an object of settings`);
  }
  for (const key of Object.keys(value)) {
    if (!SETTING_KEYS.includes(key as SettingKey)) {
      throw new ConfigError(`config file ${full}: unknown setting "${key}"${didYouMean(key, SETTING_KEYS, (k) => `"${k}"`)}`);
    }
  }
  return value as SettingsInput;
}

/** The `TSGI_*` variables that are set. */
export function fromEnv(env: NodeJS.ProcessEnv): SettingsInput {
  const out: SettingsInput = {};
  for (const key of SETTING_KEYS) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/** Merges sources (first wins), checks every value, fills the defaults. */
export function resolveSettings(sources: Array<[where: string, values: SettingsInput]>): Settings {
  const pick = (key: SettingKey): [unknown, string] | undefined => {
    for (const [where, values] of sources) if (values[key] !== undefined) return [values[key], where];
    return undefined;
  };
  const out: Record<string, unknown> = { ...settingDefaults() };
  const read = (key: SettingKey, max?: number, note?: string): void => {
    const found = pick(key);
    if (found === undefined) return;
    const spec = SETTING_SPECS.find((s) => s.key === key)!;
    out[key] = readValue(spec, found[0], settingLabel(key, found[1]), max, note);
  };
  for (const key of SETTING_KEYS) if (key !== 'workers') read(key);
  // The cap keeps a typo (or 1e3 read as 1000) from forking hundreds of processes.
  const cap = out.workersMax as number;
  out.workers = Math.min(out.workers as number, cap);
  read('workers', cap, ` (the cap is ${cap}; --workers-max raises it)`);

  if (out.app === undefined) {
    throw new ConfigError('no application given: tsgi serve <module>[:export] (or "app" in the config file, or TSGI_APP)');
  }
  const bind = pick('bind');
  for (const address of out.bind as string[]) parseBind(address, settingLabel('bind', bind![1]));
  if ((out.certfile === undefined) !== (out.keyfile === undefined)) {
    const [given, missing] = out.certfile === undefined ? ['keyfile', 'certfile'] : ['certfile', 'keyfile'];
    throw new ConfigError(`--${given} needs --${missing} too: HTTPS takes a certificate and its private key`);
  }
  return out as unknown as Settings;
}

/** The `limits` option for `serve()` from the settings, with gunicorn's meaning of 0. */
export function limitsOf(settings: Settings): LimitsOptions {
  return {
    maxRequestLine: settings.limitRequestLine || Infinity,
    maxHeaders: settings.limitRequestFields || 32_768,
    maxHeaderFieldBytes: settings.limitRequestFieldSize || Infinity,
    maxBodyBytes: settings.maxBodySize || Infinity,
    headerMap: settings.headerMap,
  };
}

/**
 * `NODE_ENV=production` when it is unset (or empty) and `--dev` is not given: set in
 * the primary before the workers are forked, and again in each worker before it
 * imports the app, so a library that reads it at import time sees it.
 */
export function defaultNodeEnv(settings: Pick<Settings, 'dev'>, env: NodeJS.ProcessEnv = process.env): void {
  if (!settings.dev && (env.NODE_ENV === undefined || env.NODE_ENV === '')) env.NODE_ENV = 'production';
}
