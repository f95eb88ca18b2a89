/**
 * The `tsgi` command line: `tsgi serve <module>[:export] [options]`, `--help`,
 * `--version`. Flags are the settings' names in kebab-case (`--graceful-timeout 10`,
 * `--timeout=10`), with gunicorn's short forms (`-b`, `-w`, `-t`, `-c`); each also
 * reads from `TSGI_<NAME>` and from the config file (see config.ts).
 *
 * A small parser of its own rather than node's parseArgs, so that an option's value
 * may start with '-' (`--port -1` is then refused by the range check, not called
 * "ambiguous"), an unknown option gets a did-you-mean, and every error is one line.
 *
 * @example
 * const parsed = parseCli(['serve', 'app.ts:app', '--port', '0', '--workers', '2']);
 *
 * @see https://docs.gunicorn.org/en/stable/run.html
 * @module
 */
import { didYouMean } from './did-you-mean.js';
import { ConfigError } from './setting-value.js';
import { flagName, SETTING_SPECS, type SettingKey } from './settings.js';
import type { SettingsInput } from './config.js';

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'serve'; config: string | undefined; flags: SettingsInput };

export const COMMANDS = ['serve'] as const;
const HINT = "; run 'tsgi --help' for the options";

interface Flag {
  key: SettingKey | 'config' | 'help' | 'version';
  takesValue: boolean;
  repeatable: boolean;
}

const FLAGS = new Map<string, Flag>();
for (const spec of SETTING_SPECS) {
  if (spec.key === 'app') continue;
  const flag = { key: spec.key, takesValue: spec.kind !== 'flag', repeatable: spec.kind === 'list' };
  FLAGS.set(`--${flagName(spec.key)}`, flag);
  if (spec.short) FLAGS.set(`-${spec.short}`, flag);
}
for (const [names, key, takesValue] of [
  [['--config', '-c'], 'config', true],
  [['--help', '-h'], 'help', false],
  [['--version', '-v'], 'version', false],
] as const) {
  for (const name of names) FLAGS.set(name, { key, takesValue, repeatable: false });
}
const LONG_NAMES = [...FLAGS.keys()].filter((name) => name.startsWith('--'));

function flagFor(name: string): Flag {
  const flag = FLAGS.get(name);
  if (flag !== undefined) return flag;
  const hint = name.startsWith('--') ? didYouMean(name, LONG_NAMES) : '';
  throw new ConfigError(`unknown option ${name}${hint}${HINT}`);
}

/** Parses argv (without node and the script); throws a one-line ConfigError. */
export function parseCli(argv: readonly string[]): Command {
  const values = new Map<string, unknown>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const flag = flagFor(name);
    let value: string | true = true;
    if (flag.takesValue) {
      if (eq !== -1) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i]!;
      else throw new ConfigError(`option ${name} needs a value${HINT}`);
    } else if (eq !== -1) {
      throw new ConfigError(`option ${name} takes no value, got ${JSON.stringify(arg.slice(eq + 1))}`);
    }
    const seen = values.get(flag.key);
    if (flag.repeatable) values.set(flag.key, [...((seen as string[] | undefined) ?? []), value]);
    else if (seen !== undefined && flag.takesValue) throw new ConfigError(`option ${name} is given twice; give it once`);
    else values.set(flag.key, value);
  }
  if (values.has('help')) return { kind: 'help' };
  if (values.has('version')) return { kind: 'version' };
  const [command, target, ...rest] = positionals;
  if (command === undefined) throw new ConfigError(`missing command: tsgi serve <module>[:export]${HINT}`);
  if (command !== 'serve') {
    throw new ConfigError(`unknown command '${command}'${didYouMean(command, COMMANDS, (c) => `'${c}'`)}: tsgi serve <module>[:export]`);
  }
  if (rest.length > 0) throw new ConfigError(`unexpected arguments: ${rest.join(' ')} (one application module only)`);
  const flags: SettingsInput = {};
  for (const [key, value] of values) if (key !== 'config') flags[key as SettingKey] = value;
  if (target !== undefined) flags.app = target;
  return { kind: 'serve', config: values.get('config') as string | undefined, flags };
}
