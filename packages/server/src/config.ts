/**
 * The CLI's settings, gathered like gunicorn's: command-line flags over `TSGI_*`
 * environment variables over a config file (`--config tsgi.config.json` or `.js`,
 * whose default export is the object) over the defaults. Times are in seconds, as
 * in gunicorn; every value is checked once here, with an error naming its source.
 *
 * @example
 * const settings = resolveSettings(await gatherSettings(parseCli(argv), process.env));
 *
 * @see https://docs.gunicorn.org/en/stable/settings.html
 * @module
 */
import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LimitsOptions } from './limits.js';

/** Every setting, as a config file or `TSGI_*` variables give them. */
export interface Settings {
  /** `module[:export]` to serve. */
  app: string;
  /** @default '127.0.0.1' */
  host: string;
  /** @default 8000 */
  port: number;
  /** Worker processes. @default the number of cores */
  workers: number;
  /** A worker silent (event loop blocked) this many seconds is killed and replaced. @default 30 */
  timeout: number;
  /** Seconds a stopping worker gets to finish its requests. @default 30 */
  gracefulTimeout: number;
  /** A worker restarts after this many requests; 0 for never. @default 0 */
  maxRequests: number;
  /** Up to this many more requests, chosen at random per worker, so they do not all restart at once. @default 0 */
  maxRequestsJitter: number;
  /** Seconds an idle keep-alive connection stays open. @default 5 */
  keepAlive: number;
  /** Seconds to receive a request's headers (slowloris -> 408). @default 60 */
  headersTimeout: number;
  /** @default 4094 */
  limitRequestLine: number;
  /** @default 100 */
  limitRequestFields: number;
  /** @default 8190 */
  limitRequestFieldSize: number;
  /** Bytes; 0 for no limit. @default 0 */
  maxBodySize: number;
  /** @default 'drop' */
  headerMap: 'drop' | 'refuse';
}

export const SETTING_DEFAULTS: Omit<Settings, 'app' | 'workers'> = {
  host: '127.0.0.1',
  port: 8000,
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
};

type NumberKey = { [K in keyof Settings]: Settings[K] extends number ? K : never }[keyof Settings];
const NUMBERS: readonly NumberKey[] = [
  'port', 'workers', 'timeout', 'gracefulTimeout', 'maxRequests', 'maxRequestsJitter', 'keepAlive',
  'headersTimeout', 'limitRequestLine', 'limitRequestFields', 'limitRequestFieldSize', 'maxBodySize',
];
export const SETTING_KEYS: readonly (keyof Settings)[] = ['app', 'host', 'headerMap', ...NUMBERS];

/** `gracefulTimeout` -> `graceful-timeout` (the flag) and `TSGI_GRACEFUL_TIMEOUT` (the variable). */
export const flagName = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const envName = (key: string): string => 'TSGI_' + flagName(key).replaceAll('-', '_').toUpperCase();

/** A setting that could not be used; the message says where it came from. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type SettingsInput = { [K in keyof Settings]?: unknown };

/** Loads a config file: JSON, or a module whose default export is the settings object. */
export async function loadConfigFile(file: string, cwd = process.cwd()): Promise<SettingsInput> {
  const full = path.resolve(cwd, file);
  let value: unknown;
  try {
    value = full.endsWith('.json')
      ? JSON.parse(await readFile(full, 'utf8'))
      : ((await import(pathToFileURL(full).href)) as { default?: unknown }).default;
  } catch (error) {
    throw new ConfigError(`cannot read config file ${full}: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`config file ${full} must hold an object of settings`);
  }
  for (const key of Object.keys(value)) {
    if (!SETTING_KEYS.includes(key as keyof Settings)) throw new ConfigError(`config file ${full}: unknown setting '${key}'`);
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
  const pick = (key: keyof Settings): [unknown, string] | undefined => {
    for (const [where, values] of sources) if (values[key] !== undefined) return [values[key], where];
    return undefined;
  };
  const out: Record<string, unknown> = { ...SETTING_DEFAULTS, workers: availableParallelism() };
  for (const key of NUMBERS) {
    const found = pick(key);
    if (found === undefined) continue;
    const [raw, where] = found;
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    const min = key === 'workers' ? 1 : 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (key !== 'timeout' && key !== 'gracefulTimeout' && key !== 'keepAlive' && key !== 'headersTimeout' && !Number.isInteger(value))) {
      throw new ConfigError(`${flagName(key)} (from ${where}) must be a ${min === 1 ? 'positive' : 'non-negative'} number, got ${JSON.stringify(raw)}`);
    }
    if (key === 'port' && value > 65535) throw new ConfigError(`port (from ${where}) must be at most 65535, got ${value}`);
    out[key] = value;
  }
  const app = pick('app');
  if (app === undefined || typeof app[0] !== 'string' || app[0] === '') {
    throw new ConfigError('no application given: tsgi serve <module>[:export] (or "app" in the config file, or TSGI_APP)');
  }
  out.app = app[0];
  const host = pick('host');
  if (host !== undefined) {
    if (typeof host[0] !== 'string' || host[0] === '') throw new ConfigError(`host (from ${host[1]}) must be a non-empty string`);
    out.host = host[0];
  }
  const headerMap = pick('headerMap');
  if (headerMap !== undefined) {
    if (headerMap[0] !== 'drop' && headerMap[0] !== 'refuse') {
      throw new ConfigError(`header-map (from ${headerMap[1]}) must be 'drop' or 'refuse', got ${JSON.stringify(headerMap[0])}`);
    }
    out.headerMap = headerMap[0];
  }
  return out as unknown as Settings;
}

/** The `limits` option for `serve()` from the settings. */
export function limitsOf(settings: Settings): LimitsOptions {
  return {
    maxRequestLine: settings.limitRequestLine || Infinity, // gunicorn: 0 = unlimited
    maxHeaders: settings.limitRequestFields || Infinity,
    maxHeaderFieldBytes: settings.limitRequestFieldSize || SETTING_DEFAULTS.limitRequestFieldSize,
    maxBodyBytes: settings.maxBodySize || Infinity,
    headerMap: settings.headerMap,
  };
}

/** `./app.ts:server` -> the module path and the export name (default: default, then app, then application). */
export function splitTarget(target: string): { module: string; name: string | undefined } {
  // A Windows drive letter (C:\...) is not an export separator.
  const colon = target.lastIndexOf(':');
  if (colon <= 1) return { module: target, name: undefined };
  return { module: target.slice(0, colon), name: target.slice(colon + 1) || undefined };
}
