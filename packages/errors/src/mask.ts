/**
 * What of the environ the exception page may show. Credentials never appear:
 * `HTTP_AUTHORIZATION` and `HTTP_PROXY_AUTHORIZATION` are masked whole, each cookie's
 * value is masked (its name stays, to see which cookies came), and so is every key -
 * and every query parameter in `QUERY_STRING`, `REQUEST_URI` and the request line -
 * whose name matches the secret pattern (`token`, `secret`, `password`, `api_key`,
 * `session`, ...). Values that are not strings are shown by their kind, never
 * expanded (`tsgi.auth` holds decoded credentials).
 *
 * @example
 * maskEnviron({ HTTP_COOKIE: 'sid=abc; theme=dark', QUERY_STRING: 'q=1&access_token=xyz', ... }, DEFAULT_SECRETS);
 * // [..., ['HTTP_COOKIE', 'sid=[masked]; theme=[masked]'], ['QUERY_STRING', 'q=1&access_token=[masked]'], ...]
 *
 * @see https://owasp.org/www-community/Improper_Error_Handling
 * @module
 */
import { quotePath, rawRequestPath, type Environ } from '@tsgi/core';

/** Keys and parameter names whose values are secret. */
export const DEFAULT_SECRETS = /auth|cookie|passw|pwd|secret|token|session|api[-_.]?key|credential|private|signature|csrf|xsrf|jwt|otp/i;

/** What a masked value is shown as. */
export const MASK = '[masked]';

const QUERY_KEYS = new Set(['QUERY_STRING', 'REQUEST_URI', 'RAW_URI']);

/** `query` (`a=1&b=2`) with the values of secret-named parameters masked. */
export function maskQuery(query: string, secrets: RegExp): string {
  if (query === '') return query;
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: match the name as it came.
      }
      return secrets.test(name) ? `${pair.slice(0, eq)}=${MASK}` : pair;
    })
    .join('&');
}

/** A URL or path with its query's secret parameters masked. */
function maskTarget(target: string, secrets: RegExp): string {
  const mark = target.indexOf('?');
  return mark < 0 ? target : target.slice(0, mark + 1) + maskQuery(target.slice(mark + 1), secrets);
}

/** A Cookie header with every value masked and the names kept. */
function maskCookies(cookie: string): string {
  return cookie
    .split(';')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? MASK : `${pair.slice(0, eq).trim()}=${MASK}`;
    })
    .join('; ');
}

/** How a value that is not a string is shown: its kind, never its contents. */
function describe(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.every((item) => typeof item === 'number') ? `[${value.join(', ')}]` : `[array of ${value.length}]`;
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return `[${name && name !== 'Object' ? name : 'object'}]`;
}

/** The environ as sorted `[key, shown value]` pairs, secrets masked. */
export function maskEnviron(environ: Environ, secrets: RegExp): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const key of Object.keys(environ).sort()) {
    const value = environ[key];
    let shown: string;
    if (key === 'HTTP_COOKIE' && typeof value === 'string') shown = maskCookies(value);
    else if (secrets.test(key)) shown = MASK;
    else if (typeof value !== 'string') shown = describe(value);
    else if (key === 'QUERY_STRING') shown = maskQuery(value, secrets);
    else if (QUERY_KEYS.has(key)) shown = maskTarget(value, secrets);
    else shown = value;
    rows.push([key, shown]);
  }
  return rows;
}

/** `GET /path?q=1&token=[masked] HTTP/1.1`: the request line, secret parameters masked. */
export function requestLine(environ: Environ, secrets: RegExp): string {
  const path = rawRequestPath(environ) ?? (quotePath(environ.SCRIPT_NAME + environ.PATH_INFO) || '/');
  const query = environ.QUERY_STRING ? '?' + maskQuery(environ.QUERY_STRING, secrets) : '';
  return `${environ.REQUEST_METHOD} ${path}${query} ${environ.SERVER_PROTOCOL}`;
}
