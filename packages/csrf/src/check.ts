/**
 * The stateless check, as Go 1.25's `http.CrossOriginProtection` does it, for a request
 * with an unsafe method (the caller lets GET, HEAD, OPTIONS and TRACE through):
 *
 * 1. `Sec-Fetch-Site` (every browser since 2023 sends it): `same-origin` and `none` (the
 *    user's own action: the address bar, a bookmark) pass; `same-site` passes when
 *    `allowSameSite` says so; anything else passes only when `Origin` is a trusted
 *    origin.
 * 2. No `Sec-Fetch-Site`: `Origin` must be the request's own origin or a trusted one.
 *    `null` (sandboxed or `data:` pages, some redirects) is never either.
 * 3. Neither header: not a browser, or one older than 2020; the caller decides
 *    (`allowMissingOrigin`, or token mode).
 *
 * The check is by method, not by Content-Type: a body with no Content-Type is no less
 * a form (Hono's GHSA-2234-fmw7-43wr), and a cross-site `fetch` with `mode: 'no-cors'`
 * may send any simple type.
 *
 * @example
 * checkHeaders(environ, settings); // 'pass' | 'missing' | a CsrfReason
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Sec-Fetch-Site
 * @see https://words.filippo.io/csrf/ (the algorithm, by Go's author of it)
 * @module
 */
import type { Environ } from '@tsgi/core';
import { ownOrigin } from './origins.js';

/** Why a request was refused; the value of `environ['tsgi.csrf_error']`. */
export type CsrfReason = 'cross-site' | 'same-site' | 'origin-mismatch' | 'missing-origin' | 'missing-token' | 'invalid-token' | 'form-too-large';

export interface HeaderCheck {
  trusted: ReadonlySet<string>;
  allowSameSite: boolean;
}

/** RFC 9110 section 9.2.1's safe methods: they must not change state, so they need no check. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export function checkHeaders(environ: Environ, check: HeaderCheck): 'pass' | 'missing' | CsrfReason {
  const site = environ.HTTP_SEC_FETCH_SITE;
  const origin = environ.HTTP_ORIGIN;
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return 'pass';
    if (site === 'same-site' && check.allowSameSite) return 'pass';
    if (origin !== undefined && check.trusted.has(origin)) return 'pass';
    return site === 'same-site' ? 'same-site' : 'cross-site';
  }
  if (origin === undefined) return 'missing';
  if (origin !== 'null' && (origin === ownOrigin(environ) || check.trusted.has(origin))) return 'pass';
  return 'origin-mismatch';
}
