/**
 * `tsgi --help`: the usage, then one line per setting from the settings table
 * (settings.ts), so the help cannot miss a setting or disagree with the checks.
 *
 * @example
 * process.stdout.write(helpText());
 * @module
 */
import { flagName, SETTING_SPECS } from './settings.js';

const WIDTH = 34;

function optionLine(names: string, text: string): string {
  return `  ${names.padEnd(WIDTH - 2)}${names.length >= WIDTH - 2 ? `\n${' '.repeat(WIDTH)}` : ''}${text}\n`;
}

/** The whole help text. */
export function helpText(): string {
  let text = `Usage: tsgi serve <module>[:export] [options]

Serves a tsgi application (the module's export: default, app or application) on
node:http across worker processes, like gunicorn. The module is a path (src/app
finds ./src/app.js, .mjs, .cjs, .ts, .mts, .cts or src/app/index.*) or a package.
A factory is called with gunicorn's syntax, literal arguments only:
  tsgi serve "src/app:createApp('prod', 3)"
Numbers are decimal digits; times are seconds.

Options (each also as TSGI_<NAME>, e.g. TSGI_PORT, or in the config file):
`;
  for (const spec of SETTING_SPECS) {
    if (spec.key === 'app') continue;
    const names = `${spec.short ? `-${spec.short}, ` : ''}--${flagName(spec.key)}${spec.arg ? ` ${spec.arg}` : ''}`;
    text += optionLine(names, spec.help);
  }
  text += optionLine('-c, --config <file>', 'settings from a .json file or a .js module\'s default export');
  text += optionLine('-h, --help', 'this text');
  text += optionLine('-v, --version', 'the version');
  return `${text}
NODE_ENV: tsgi sets NODE_ENV=production when it is not set, before the app is
imported, so development-only helpers (@tsgi/errors' exception page) are off;
--dev leaves it unset. A NODE_ENV you set is kept.

Signals: SIGTERM/SIGINT stop gracefully, SIGHUP replaces workers one by one. The
primary also stops when its parent process exits (npx, pnpm, a supervisor).
TypeScript apps: install tsx beside the app (npm install -D tsx), then tsgi serve app.ts
`;
}
