/**
 * Reading one setting's value strictly: numbers are decimal digits only (`1e3`,
 * `0x10`, `-1`, `8 ` with a unit are refused rather than guessed at), checked against
 * the setting's range, and every refusal is one line that names the option as the
 * user wrote it (`--workers`, `TSGI_WORKERS` or `"workers" in tsgi.json`), the value
 * seen and what would be accepted.
 *
 * @example
 * readValue(spec, '1e3', '--workers'); // throws ConfigError: --workers must be a whole number from 1 to 8, got "1e3"
 * @module
 */
import type { SettingSpec } from './settings.js';

/** A setting that could not be used; the message is one line and says where it came from. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const INTEGER = /^\d+$/;
/** What a flag's variable or config key may say: TSGI_DEV=1, "dev": true. */
const FLAG_VALUES = new Map<unknown, boolean>([[true, true], [false, false], ['1', true], ['0', false], ['true', true], ['false', false]]);
const DECIMAL = /^\d+(\.\d+)?$/;

const shown = (raw: unknown): string => (typeof raw === 'string' ? JSON.stringify(raw) : Array.isArray(raw) ? JSON.stringify(raw) : String(raw));

function range(spec: SettingSpec, max: number): string {
  return max >= 1e9 ? `${spec.min} or more` : `from ${spec.min} to ${max}`;
}

function readNumber(spec: SettingSpec, raw: unknown, label: string, max: number, note: string): number {
  const pattern = spec.kind === 'integer' ? INTEGER : DECIMAL;
  let value: number | undefined;
  if (typeof raw === 'string' && pattern.test(raw.trim())) value = Number(raw.trim());
  else if (typeof raw === 'number' && Number.isFinite(raw) && (spec.kind !== 'integer' || Number.isInteger(raw))) value = raw;
  if (value === undefined || value < spec.min! || value > max) {
    const what = spec.kind === 'integer' ? 'a whole number' : 'a number of seconds';
    throw new ConfigError(`${label} must be ${what} ${range(spec, max)}${note}, got ${shown(raw)}`);
  }
  return value;
}

function readList(raw: unknown, label: string): string[] {
  const items = (Array.isArray(raw) ? raw : [raw]).flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]));
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string' || item.trim() === '') throw new ConfigError(`${label} must be a comma-separated list of addresses, got ${shown(raw)}`);
    out.push(item.trim());
  }
  return out;
}

/**
 * The value of `raw` for `spec`, or a ConfigError. `max` overrides the spec's maximum
 * (for `workers`, whose cap is `workersMax`), and `note` explains it.
 */
export function readValue(spec: SettingSpec, raw: unknown, label: string, max = spec.max ?? Infinity, note = ''): unknown {
  switch (spec.kind) {
    case 'integer':
    case 'seconds':
      return readNumber(spec, raw, label, max, note);
    case 'list':
      return readList(raw, label);
    case 'choice':
      if (typeof raw !== 'string' || !spec.choices!.includes(raw)) {
        throw new ConfigError(`${label} must be one of ${spec.choices!.join(', ')}, got ${shown(raw)}`);
      }
      return raw;
    case 'flag':
      if (!FLAG_VALUES.has(raw)) throw new ConfigError(`${label} must be true or false (1 or 0), got ${shown(raw)}`);
      return FLAG_VALUES.get(raw);
    case 'text':
      if (typeof raw !== 'string' || raw === '') throw new ConfigError(`${label} must be a non-empty string, got ${shown(raw)}`);
      return raw;
  }
}
