/**
 * The CLI's settings in one table: each setting's type, range, default, what 0 means
 * and its line in `tsgi --help`. The parser (cli-args.ts), the checks (config.ts), the
 * help text (cli-help.ts) and the docs test all read this table, so a setting is
 * described once. Names follow gunicorn's settings where tsgi has the same thing.
 *
 * @example
 * SETTING_SPECS.find((spec) => spec.key === 'timeout')?.help; // 'kill a worker silent this long ...'
 *
 * @see https://docs.gunicorn.org/en/stable/settings.html
 * @module
 */
import { availableParallelism } from 'node:os';

/** Every setting, as flags, `TSGI_*` variables or a config file give them. Times are seconds. */
export interface Settings {
  /** `module[:export]` to serve. */
  app: string;
  /** Addresses to listen on: `HOST:PORT`, `[IPv6]:PORT`, `unix:/path`; when empty, `host:port`. @default [] */
  bind: string[];
  /** @default '127.0.0.1' */
  host: string;
  /** @default 8000 */
  port: number;
  /** Worker processes. @default the number of cores */
  workers: number;
  /** The most workers `workers` may ask for. @default 4 x the number of cores */
  workersMax: number;
  /** A worker silent (event loop blocked) this many seconds is killed and replaced; 0 = never. @default 30 */
  timeout: number;
  /** Seconds a stopping worker gets to finish its requests. @default 30 */
  gracefulTimeout: number;
  /** A worker restarts after this many requests; 0 for never. @default 0 */
  maxRequests: number;
  /** Up to this many more requests, chosen at random per worker, so they do not all restart at once. @default 0 */
  maxRequestsJitter: number;
  /** Seconds an idle keep-alive connection stays open; 0 closes it after each response. @default 5 */
  keepAlive: number;
  /** Seconds to receive a request's headers (slowloris -> 408). @default 60 */
  headersTimeout: number;
  /** Bytes; 0 = no limit (node's 16 KiB header limit still holds). @default 4094 */
  limitRequestLine: number;
  /** Header fields; 0 = 32768, as in gunicorn. @default 100 */
  limitRequestFields: number;
  /** Bytes of one header field; 0 = no limit (node's 16 KiB header limit still holds). @default 8190 */
  limitRequestFieldSize: number;
  /** Bytes; 0 for no limit. @default 0 */
  maxBodySize: number;
  /** @default 'drop' */
  headerMap: 'drop' | 'refuse';
  /** Connections the kernel queues while every worker is busy or being replaced. @default 2048 */
  backlog: number;
  /** PEM certificate: serve HTTPS through node:https (with `keyfile`). @default undefined */
  certfile?: string;
  /** PEM private key for `certfile`. @default undefined */
  keyfile?: string;
  /** Proxies whose X-Forwarded-* headers are trusted (addresses or CIDR, `*` for any); empty = none. @default [] */
  forwardedAllowIps: string[];
  /** Access log: a file (appended to) or `-` for stdout; none when unset. @default undefined */
  accessLog?: string;
  /** @default 'combined' */
  accessLogFormat: 'common' | 'combined' | 'json';
  /**
   * Development: leave `NODE_ENV` unset. Without it an unset `NODE_ENV` becomes
   * `production` before the app is imported, so development-only helpers (the
   * exception page of `@tsgi/errors`' showExceptions) are off. @default false
   */
  dev: boolean;
}

export type SettingKey = keyof Settings;

/** How a setting's text is read. */
export type SettingKind = 'integer' | 'seconds' | 'text' | 'list' | 'choice' | 'flag';

export interface SettingSpec {
  key: SettingKey;
  kind: SettingKind;
  /** Inclusive range, for numbers; `workers`' maximum is `workersMax`. */
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** One-letter flag, as gunicorn has (`-b`, `-w`, `-t`). */
  short?: string;
  /** The value's name in --help; '' for a flag, which takes none. */
  arg: string;
  /** The --help line: what it does and what 0 means. */
  help: string;
}

const cores = (): number => availableParallelism();

export const SETTING_SPECS: readonly SettingSpec[] = [
  { key: 'app', kind: 'text', arg: '<module>[:export]', help: 'the application (the positional argument)' },
  { key: 'bind', kind: 'list', short: 'b', arg: '<addr>', help: 'HOST:PORT, [::1]:PORT or unix:/path; repeat for several (default: --host:--port)' },
  { key: 'host', kind: 'text', arg: '<addr>', help: 'address to bind when no --bind (default 127.0.0.1)' },
  { key: 'port', kind: 'integer', min: 0, max: 65535, arg: '<n>', help: 'port when no --bind, 0 = any free one (default 8000)' },
  { key: 'workers', kind: 'integer', min: 1, short: 'w', arg: '<n>', help: 'worker processes (default: the number of cores)' },
  { key: 'workersMax', kind: 'integer', min: 1, max: 1024, arg: '<n>', help: 'the most --workers may ask for (default 4 x cores)' },
  { key: 'timeout', kind: 'seconds', min: 0, max: 86_400, short: 't', arg: '<s>', help: 'kill a worker silent this long, 0 = never (default 30)' },
  { key: 'gracefulTimeout', kind: 'seconds', min: 0, max: 86_400, arg: '<s>', help: 'time to finish requests on stop/reload (default 30)' },
  { key: 'maxRequests', kind: 'integer', min: 0, max: 1e9, arg: '<n>', help: 'restart a worker after n requests, 0 = never (default 0)' },
  { key: 'maxRequestsJitter', kind: 'integer', min: 0, max: 1e9, arg: '<n>', help: 'add 0..n to max-requests per worker (default 0)' },
  { key: 'keepAlive', kind: 'seconds', min: 0, max: 3600, arg: '<s>', help: 'idle keep-alive timeout, 0 = close after each response (default 5)' },
  { key: 'headersTimeout', kind: 'seconds', min: 1, max: 3600, arg: '<s>', help: 'time to receive request headers, then 408 (default 60)' },
  { key: 'limitRequestLine', kind: 'integer', min: 0, max: 65_536, arg: '<bytes>', help: 'request line limit, then 414; 0 = none (default 4094)' },
  { key: 'limitRequestFields', kind: 'integer', min: 0, max: 32_768, arg: '<n>', help: 'header field count limit, then 431; 0 = 32768 (default 100)' },
  { key: 'limitRequestFieldSize', kind: 'integer', min: 0, max: 65_536, arg: '<bytes>', help: 'one header field limit, then 431; 0 = none (default 8190)' },
  { key: 'maxBodySize', kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, arg: '<bytes>', help: 'request body limit, then 413; 0 = none (default 0)' },
  { key: 'headerMap', kind: 'choice', choices: ['drop', 'refuse'], arg: '<drop|refuse>', help: "header names with '_' (default drop)" },
  { key: 'backlog', kind: 'integer', min: 1, max: 65_535, arg: '<n>', help: 'connections queued while workers are busy or replaced (default 2048)' },
  { key: 'certfile', kind: 'text', arg: '<file>', help: 'PEM certificate: serve HTTPS (with --keyfile)' },
  { key: 'keyfile', kind: 'text', arg: '<file>', help: 'PEM private key for --certfile' },
  { key: 'forwardedAllowIps', kind: 'list', arg: '<ips>', help: "trust X-Forwarded-* from these proxies (comma list, CIDR, '*'; default none)" },
  { key: 'accessLog', kind: 'text', arg: '<file|->', help: "access log to a file or '-' for stdout (default none)" },
  { key: 'accessLogFormat', kind: 'choice', choices: ['common', 'combined', 'json'], arg: '<format>', help: 'common, combined or json (default combined)' },
  { key: 'dev', kind: 'flag', arg: '', help: 'keep NODE_ENV unset (default: NODE_ENV=production when unset)' },
];

export const SETTING_KEYS: readonly SettingKey[] = SETTING_SPECS.map((spec) => spec.key);

/** The defaults; `workers` and `workersMax` depend on the machine, so they are a function. */
export function settingDefaults(): Omit<Settings, 'app'> {
  return {
    bind: [],
    host: '127.0.0.1',
    port: 8000,
    workers: cores(),
    workersMax: 4 * cores(),
    timeout: 30,
    gracefulTimeout: 30,
    maxRequests: 0,
    maxRequestsJitter: 0,
    keepAlive: 5,
    headersTimeout: 60,
    limitRequestLine: 4094,
    limitRequestFields: 100,
    limitRequestFieldSize: 8190,
    maxBodySize: 0,
    headerMap: 'drop',
    backlog: 2048,
    forwardedAllowIps: [],
    accessLogFormat: 'combined',
    dev: false,
  };
}

/** `gracefulTimeout` -> `graceful-timeout` (the flag) and `TSGI_GRACEFUL_TIMEOUT` (the variable). */
export const flagName = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const envName = (key: string): string => 'TSGI_' + flagName(key).replaceAll('-', '_').toUpperCase();
