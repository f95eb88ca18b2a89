/**
 * Input checks for the JSON bodies and query strings Conduit accepts. Every problem
 * in a body is collected, then thrown at once as a `ValidationError` (422), so a
 * client learns everything wrong with its request in one round trip. Types are
 * checked, not coerced: `{"title": 5}` is "title must be a string", never a 500.
 *
 * @example
 * const input = await readEnvelope(environ, 'user');
 * const user = checkFields(input, { email: EMAIL, password: PASSWORD }, 'all');
 * @see https://github.com/gothinkster/realworld/blob/main/api/openapi.yml (request schemas)
 * @module
 */
import { isHttpError, type Environ } from '@tsgi/core';
import { request } from '@tsgi/request';
import { ValidationError } from './errors.js';

/** The largest JSON body accepted: an article of a few hundred pages still fits. Over it, 413. */
export const BODY_LIMIT = 256 * 1024;

export interface FieldRule {
  kind: 'string' | 'string[]';
  /** Longest string (characters), or most array items. */
  max: number;
  /** A check on a string's value, with the message when it fails. */
  pattern?: readonly [RegExp, string];
  /** `null` is accepted and read as `''` (Conduit's front ends send `image: null` to clear it). */
  nullAsEmpty?: boolean;
  /** Surrounding white space is removed before the checks (names, emails, titles). */
  trim?: boolean;
}

/** The body's `{ [key]: {...} }` envelope, read as JSON; anything else is a 422. */
export async function readEnvelope(environ: Environ, key: string): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await request(environ).json({ limit: BODY_LIMIT });
  } catch (error) {
    // The reader's 400 (malformed JSON, bad UTF-8) is, for this API, input that does not validate.
    if (isHttpError(error) && error.status === 400) throw new ValidationError([`body must be JSON: ${error.message}`]);
    throw error;
  }
  if (!isPlainObject(body)) throw new ValidationError([`body must be a JSON object like {"${key}": {...}}`]);
  const inner = body[key];
  if (inner === undefined) throw new ValidationError([`${key} can't be blank`]);
  if (!isPlainObject(inner)) throw new ValidationError([`${key} must be an object`]);
  return inner;
}

/**
 * Checks `input` against `rules`. `'all'`: every field is required and non-blank;
 * `'some'`: fields are optional, but at least one must be there (the update bodies).
 * Returns only the fields named in `rules`, trimmed where the rule says so.
 */
export function checkFields<K extends string>(input: Record<string, unknown>, rules: Record<K, FieldRule>, mode: 'all' | 'some' | 'optional'): Partial<Record<K, string | string[]>> {
  const problems: string[] = [];
  const out: Partial<Record<K, string | string[]>> = {};
  for (const name of Object.keys(rules) as K[]) {
    const rule = rules[name];
    let value = input[name];
    if (value === null && rule.nullAsEmpty) value = '';
    if (value === undefined) {
      if (mode === 'all') problems.push(`${name} can't be blank`);
      continue;
    }
    if (rule.kind === 'string[]') {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
        problems.push(`${name} must be an array of strings`);
      } else if (value.length > rule.max) {
        problems.push(`${name} has too many items (at most ${rule.max})`);
      } else {
        const items = [...new Set(value.map((item) => item.trim()).filter((item) => item !== ''))];
        const bad = items.find((item) => item.length > 64 || (rule.pattern !== undefined && !rule.pattern[0].test(item)));
        if (bad !== undefined) problems.push(`${name} item ${JSON.stringify(bad.slice(0, 70))} ${rule.pattern?.[1] ?? 'is too long'}`);
        else out[name] = items;
      }
      continue;
    }
    if (typeof value !== 'string') {
      problems.push(`${name} must be a string`);
      continue;
    }
    const text = rule.trim ? value.trim() : value;
    if (text === '' && !rule.nullAsEmpty) problems.push(`${name} can't be blank`);
    else if (text.length > rule.max) problems.push(`${name} is too long (at most ${rule.max} characters)`);
    else if (text !== '' && rule.pattern !== undefined && !rule.pattern[0].test(text)) problems.push(`${name} ${rule.pattern[1]}`);
    else out[name] = text;
  }
  if (mode === 'some' && problems.length === 0 && Object.keys(out).length === 0) {
    problems.push(`give at least one of ${Object.keys(rules).join(', ')}`);
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return out;
}

/** `limit` and `offset` from the query: integers, `limit` 1-100 (default 20), `offset` from 0 (default 0). */
export function readPage(environ: Environ): { limit: number; offset: number } {
  const query = request(environ).query;
  const problems: string[] = [];
  const limit = integerParam(query.get('limit'), 20, 1, 100, 'limit', problems);
  const offset = integerParam(query.get('offset'), 0, 0, 2 ** 31 - 1, 'offset', problems);
  if (problems.length > 0) throw new ValidationError(problems);
  return { limit, offset };
}

function integerParam(raw: string | null, fallback: number, min: number, max: number, name: string, problems: string[]): number {
  if (raw === null || raw === '') return fallback;
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw.slice(0, 20))}`);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The rules every body shares.
export const EMAIL: FieldRule = { kind: 'string', max: 254, trim: true, pattern: [/^[^\s@]+@[^\s@]+$/, 'is invalid'] };
// Usernames are path segments (/profiles/:username): no slash, no space, no percent.
export const USERNAME: FieldRule = { kind: 'string', max: 64, trim: true, pattern: [/^[\p{L}\p{N}_.-]+$/u, "may contain only letters, digits, '_', '.' and '-'"] };
export const PASSWORD: FieldRule = { kind: 'string', max: 256, pattern: [/^.{8,}$/su, 'is too short (at least 8 characters)'] };
export const BIO: FieldRule = { kind: 'string', max: 2000, nullAsEmpty: true };
export const IMAGE: FieldRule = { kind: 'string', max: 2000, nullAsEmpty: true, trim: true, pattern: [/^https?:\/\/\S+$/, 'must be an http(s) URL'] };
export const TITLE: FieldRule = { kind: 'string', max: 200, trim: true };
export const DESCRIPTION: FieldRule = { kind: 'string', max: 1000, trim: true };
export const ARTICLE_BODY: FieldRule = { kind: 'string', max: BODY_LIMIT };
export const TAG_LIST: FieldRule = { kind: 'string[]', max: 20, pattern: [/^[^,]{1,64}$/, 'must be 1-64 characters without commas'] };
export const COMMENT_BODY: FieldRule = { kind: 'string', max: 10_000, trim: true };
