/**
 * The app's response headers with the CORS headers put in: a new list (the app's list
 * and its pairs are never edited: an app may answer every request with one constant
 * list), where `cors()` owns the CORS response headers and `Vary` is merged.
 *
 * Owned: an `Access-Control-Allow-*`, `-Expose-Headers` or `-Max-Age` header the app
 * set itself is dropped, and only the middleware's go up. One layer decides who may
 * read a response; two that disagree (the app's `*` beside a reflected origin, or a
 * duplicate Access-Control-Allow-Origin, which browsers treat as a failure) make
 * answers that depend on header order. `Vary` keeps the app's tokens and gains ours.
 *
 * @example
 * withCorsHeaders([['Vary', 'Accept-Encoding']], [['Access-Control-Allow-Origin', 'https://a.example']], ['Origin']);
 * // [['Vary', 'Accept-Encoding, Origin'], ['Access-Control-Allow-Origin', 'https://a.example']]
 * @see https://fetch.spec.whatwg.org/#http-responses
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5 (Vary)
 * @module
 */
import { appendHeaders, headerNameIs, type ResponseHeaders } from '@tsgi/core';

/** The response headers `cors()` owns, lower-cased. */
export const OWNED_HEADERS: ReadonlySet<string> = new Set([
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-allow-private-network',
  'access-control-expose-headers',
  'access-control-max-age',
]);

/** Whether the app's header `name` is one `cors()` owns or `Vary`; cheap for the common names. */
function kind(name: string): 'owned' | 'vary' | undefined {
  const first = name.charCodeAt(0) | 0x20;
  if (first === 0x76 /* v */) return headerNameIs(name, 'vary') ? 'vary' : undefined;
  if (first === 0x61 /* a */ && name.length >= 22) return OWNED_HEADERS.has(name.toLowerCase()) ? 'owned' : undefined;
  return undefined;
}

/** `value` with each of `tokens` appended that it does not list yet (`*` lists all). */
function mergeVary(value: string, tokens: readonly string[]): string {
  // The common case, one token such as gzip's `Accept-Encoding`: no split, no arrays.
  if (tokens.length === 1 && !value.includes(',')) {
    const only = value.trim();
    if (only === '*' || only.toLowerCase() === tokens[0]!.toLowerCase()) return value;
    return only === '' ? tokens[0]! : `${only}, ${tokens[0]!}`;
  }
  const present = value.split(',').map((t) => t.trim().toLowerCase());
  if (present.includes('*')) return value;
  let merged = value.trim();
  for (const token of tokens) {
    if (present.includes(token.toLowerCase())) continue;
    merged = merged === '' ? token : `${merged}, ${token}`;
  }
  return merged;
}

/** The CORS headers one kind of response gets, made once and reused by every request that gets them. */
export interface CorsAnswer {
  /** Added after the app's headers. */
  readonly added: ResponseHeaders;
  /** Tokens merged into the app's `Vary`. */
  readonly vary: readonly string[];
  /** `added` and a `Vary` of their own: what goes after an app's headers that have no CORS header and no `Vary`. */
  readonly tail: ResponseHeaders;
}

export function corsAnswer(added: ResponseHeaders, vary: readonly string[]): CorsAnswer {
  return { added, vary, tail: vary.length === 0 ? added : [...added, ['Vary', vary.join(', ')]] };
}

/**
 * {@link withCorsHeaders} for a response's `answer`: the app's headers and the answer's
 * `tail` in one new list when the app set no CORS header and no `Vary` (most responses:
 * one pass over the names' first letters, no string built, one array).
 */
export function mergeCorsHeaders(app: ResponseHeaders, answer: CorsAnswer): ResponseHeaders {
  for (let i = 0; i < app.length; i++) {
    if (kind(app[i]![0]) !== undefined) return withCorsHeaders(app, answer.added, answer.vary);
  }
  return appendHeaders(app, answer.tail);
}

/**
 * A new header list: `app`'s headers without those `cors()` owns, then `added`, with
 * `vary` tokens merged into the app's first `Vary` (or a `Vary` of their own).
 */
export function withCorsHeaders(app: ResponseHeaders, added: ResponseHeaders, vary: readonly string[]): ResponseHeaders {
  let out: ResponseHeaders | undefined;
  let varied = vary.length === 0;
  for (let i = 0; i < app.length; i++) {
    const pair = app[i]!;
    const found = kind(pair[0]);
    if (found === undefined) {
      out?.push(pair);
      continue;
    }
    out ??= app.slice(0, i);
    if (found === 'owned') continue;
    if (varied) {
      out.push(pair);
    } else {
      out.push([pair[0], mergeVary(pair[1], vary)]);
      varied = true;
    }
  }
  const result = out ?? app.slice();
  for (let i = 0; i < added.length; i++) result.push(added[i]!);
  if (!varied) result.push(['Vary', vary.join(', ')]);
  return result;
}
