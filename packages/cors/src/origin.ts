/**
 * Which request origins `cors()` allows: the `origin` option compiled once, at factory
 * time, into one predicate over the `Origin` header's value.
 *
 * An origin is compared as the browser serializes it (scheme, `://`, host, `:port` when
 * not the scheme's default; lower case; `null` for an opaque origin), exactly, as a
 * whole string: `https://example.com` never matches `https://evil-example.com`,
 * `https://example.com.evil.com`, `http://example.com` or `https://example.com:8443`.
 * Configured origins are normalized to that form by core's `normalizeOrigin` (the rule
 * csrf's trusted origins share: `https://Example.COM:443` becomes `https://example.com`;
 * anything with a path, query, fragment or user info is refused, since no browser sends one). `null` matches only when listed as the string
 * `'null'`: sandboxed iframes, `data:` and `file:` pages all send it, so allowing it
 * lets any of them in.
 *
 * @example
 * const allowed = compileOrigins(['https://app.example.com', /^https:\/\/[a-z]+\.example\.com$/], 'cors');
 * allowed.test('https://app.example.com', environ); // true
 * @see https://fetch.spec.whatwg.org/#origin-header
 * @see https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 * @module
 */
import { isPromise, normalizeOrigin, type Environ } from '@tsgi/core';

/**
 * Your own decision, given the request's `Origin` (never `'null'`: list that
 * explicitly) and the environ. Synchronous: it runs on every request, and must
 * return a boolean (a Promise is refused at request time, not taken as "yes").
 */
export type OriginPredicate = (origin: string, environ: Environ) => boolean;

/** One entry of an origin list: an exact origin, or an anchored RegExp over the serialized origin. */
export type OriginEntry = string | RegExp;

/** What the `origin` option accepts. */
export type OriginOption = '*' | OriginEntry | readonly OriginEntry[] | OriginPredicate;

/** The compiled `origin` option. */
export interface OriginRule {
  /** `'*'`: every origin, answered with `Access-Control-Allow-Origin: *`, so not origin-dependent. */
  readonly any: boolean;
  /** Whether the request's origin is allowed (reflected in Access-Control-Allow-Origin). */
  test(origin: string, environ: Environ): boolean;
  /** Whether `test` depends on the origin alone (a list or `'*'`; not a predicate, which sees the environ): its verdicts may be kept. */
  readonly byOrigin: boolean;
}

/**
 * A RegExp is tried against the whole serialized origin, so it must be anchored at both
 * ends: `/example\.com/` also matches `https://example.com.evil.com`.
 */
function checkRegExp(pattern: RegExp, where: string): RegExp {
  const source = pattern.source;
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) {
    throw new TypeError(
      `${where}: the RegExp ${String(pattern)} must be anchored with ^ and $ (it is tested against the whole origin, and unanchored it also matches "https://example.com.evil.com"), e.g. /^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/`,
    );
  }
  if (hasTopLevelAlternation(source)) {
    throw new TypeError(
      `${where}: the RegExp ${String(pattern)} has a | outside any group, so ^ and $ anchor only its first and last branch; group the branches: /^(?:https:\\/\\/a\\.example|https:\\/\\/b\\.example)$/`,
    );
  }
  // g and y make test() stateful (lastIndex): drop them.
  return pattern.global || pattern.sticky ? new RegExp(source, pattern.flags.replace(/[gy]/g, '')) : pattern;
}

/** Whether `source` has a `|` outside every group and character class. */
function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** Compiles the `origin` option; `where` prefixes error messages (e.g. `'cors: origin'`). */
export function compileOrigins(option: OriginOption, where: string): OriginRule {
  if (option === '*') return { any: true, byOrigin: true, test: () => true };
  if (typeof option === 'function') return { any: false, byOrigin: false, test: checkedPredicate(option, where) };
  const entries: readonly unknown[] = Array.isArray(option) ? option : [option];
  if (entries.length === 0) throw new TypeError(`${where}: the list is empty; list the origins to allow, or give '*'`);
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of entries) {
    if (entry === '*') throw new TypeError(`${where}: '*' must be the whole option, not an entry of a list`);
    if (typeof entry === 'string') exact.add(normalizeOrigin(entry, where));
    else if (entry instanceof RegExp) patterns.push(checkRegExp(entry, where));
    else throw new TypeError(`${where}: each entry must be an origin string or a RegExp, got ${describe(entry)}`);
  }
  if (patterns.length === 0) return { any: false, byOrigin: true, test: (origin) => exact.has(origin) };
  return {
    any: false,
    byOrigin: true,
    test(origin) {
      if (exact.has(origin)) return true;
      // `null` only when listed: it is no host a pattern could mean.
      if (origin === 'null') return false;
      for (const pattern of patterns) if (pattern.test(origin)) return true;
      return false;
    },
  };
}

function checkedPredicate(predicate: OriginPredicate, where: string): OriginRule['test'] {
  return function originPredicate(origin, environ) {
    if (origin === 'null') return false;
    const verdict: unknown = predicate(origin, environ);
    if (typeof verdict !== 'boolean') {
      throw new TypeError(
        `${where}: the predicate must return true or false synchronously, got ${describe(verdict)}; decide before the request (e.g. from a Set loaded at start-up)`,
      );
    }
    return verdict;
  };
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (isPromise(value)) return 'a Promise';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}
