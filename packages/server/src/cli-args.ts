/**
 * The `tsgi` command line: `tsgi serve <module>[:export] [options]`, `--help`,
 * `--version`. Flags are the settings' names in kebab-case (`--graceful-timeout 10`);
 * each also reads from `TSGI_<NAME>` and from the config file (see config.ts).
 *
 * @example
 * const parsed = parseCli(['serve', 'app.ts:app', '--port', '0', '--workers', '2']);
 *
 * @see https://docs.gunicorn.org/en/stable/run.html
 * @module
 */
import { parseArgs } from 'node:util';
import { ConfigError, flagName, SETTING_KEYS, type SettingsInput } from './config.js';

export const HELP = `Usage: tsgi serve <module>[:export] [options]

Serves a tsgi application (the module's export: default, app or application) on
node:http across worker processes, like gunicorn.

Options (each also as TSGI_<NAME>, e.g. TSGI_PORT, or in the config file):
  --host <addr>                  address to bind (default 127.0.0.1)
  --port <n>                     port, 0 for any free one (default 8000)
  --workers <n>                  worker processes (default: the number of cores)
  --timeout <s>                  kill a worker silent this long (default 30)
  --graceful-timeout <s>         time to finish requests on stop/reload (default 30)
  --max-requests <n>             restart a worker after n requests, 0 = never (default 0)
  --max-requests-jitter <n>      add 0..n to max-requests per worker (default 0)
  --keep-alive <s>               idle keep-alive connection timeout (default 5)
  --headers-timeout <s>          time to receive request headers, then 408 (default 60)
  --limit-request-line <bytes>   request line limit, 0 = none (default 4094)
  --limit-request-fields <n>     header field count limit, 0 = none (default 100)
  --limit-request-field-size <b> one header field's limit (default 8190)
  --max-body-size <bytes>        request body limit, 413 past it, 0 = none (default 0)
  --header-map <drop|refuse>     header names with '_' (default drop)
  -c, --config <file>            settings from a .json file or a .js module's default export
  -h, --help                     this text
  -v, --version                  the version

Signals: SIGTERM/SIGINT stop gracefully, SIGHUP replaces workers one by one.
TypeScript apps: npx tsx node_modules/@tsgi/server/src/cli.ts serve app.ts
`;

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'serve'; config: string | undefined; flags: SettingsInput };

const options = Object.fromEntries(
  SETTING_KEYS.filter((key) => key !== 'app').map((key) => [flagName(key), { type: 'string' as const }]),
);

/** Parses argv (without node and the script); throws ConfigError with a usage hint. */
export function parseCli(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...options,
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\nRun 'tsgi --help' for the options.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, target, ...rest] = positionals;
  if (command !== 'serve') {
    throw new ConfigError(
      command === undefined ? "missing command: tsgi serve <module>[:export]" : `unknown command '${command}': tsgi serve <module>[:export]`,
    );
  }
  if (rest.length > 0) throw new ConfigError(`unexpected arguments: ${rest.join(' ')}`);
  const flags: SettingsInput = {};
  for (const key of SETTING_KEYS) {
    const value = (values as Record<string, unknown>)[flagName(key)];
    if (value !== undefined) flags[key] = value;
  }
  if (target !== undefined) flags.app = target;
  return { kind: 'serve', config: values.config as string | undefined, flags };
}
