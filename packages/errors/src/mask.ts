/**
 * What of the request the exception page may show. Every place it shows a URL (the
 * request line, `QUERY_STRING`, `REQUEST_URI`, the `Referer` and any other header, the
 * error messages) goes through one function, `maskUrl`, which masks:
 * - the value of every query parameter whose name is secret (`isSecretName`: `token`,
 *   `key`, `sig`, `code`, `api+key`, `X-Amz-Signature`, ...), names compared after
 *   `+` and percent-decoding, with `&`, `;` and `?` all taken as separators;
 * - the same in a fragment (`#access_token=...` of OAuth's implicit flow) and in path
 *   parameters (`;jsessionid=...`);
 * - the password of a URL's user info (`https://ann:[masked]@host/`), or the whole
 *   user info when it has no password (`https://[masked]@github.com/`: tokens go there).
 *
 * The environ table also masks whole every key whose name is secret
 * (`HTTP_AUTHORIZATION`, `HTTP_X_API_KEY`, `tsgi.auth`) and each cookie's value (its
 * name stays, to see which cookies came). Values that are not strings are shown by
 * their kind, never expanded.
 *
 * @example
 * maskUrl('https://app.example/cb?code=abc&state=ok'); // 'https://app.example/cb?code=[masked]&state=ok'
 * maskEnviron({ HTTP_COOKIE: 'sid=abc; theme=dark', ... });
 * // [..., ['HTTP_COOKIE', 'sid=[masked]; theme=[masked]'], ...]
 *
 * @see https://owasp.org/www-community/Improper_Error_Handling
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1 (user information)
 * @module
 */
import { quotePath, rawRequestPath, type Environ } from '@tsgi/core';
import { isSecretName } from './secret-name.js';

/** What a masked value is shown as. */
export const MASK = '[masked]';

/** Tells whether a parameter or key name holds a secret. */
export type SecretTest = (name: string) => boolean;

/** How many times a name is percent-decoded: `api%255Fkey` is `api_key` to a server that decodes twice. */
const DECODE_ROUNDS = 3;

/** A parameter name as a server would read it: `+` as space, percent-decoded. */
function decodeName(raw: string): string {
  let name = raw.replace(/\+/g, ' ');
  for (let round = 0; round < DECODE_ROUNDS && name.includes('%'); round++) {
    try {
      const decoded = decodeURIComponent(name);
      if (decoded === name) break;
      name = decoded;
    } catch {
      // A malformed escape: match the name as it stands.
      break;
    }
  }
  return name;
}

/** `query` (`a=1&b=2`, no `?`) with the values of secret-named parameters masked. */
export function maskQuery(query: string, isSecret: SecretTest = isSecretName): string {
  if (!query.includes('=')) return query;
  // Odd indices are the separators, kept as they were.
  const parts = query.split(/([&;?#])/);
  for (let i = 0; i < parts.length; i += 2) {
    const pair = parts[i]!;
    const eq = pair.indexOf('=');
    if (eq > 0 && isSecret(decodeName(pair.slice(0, eq)))) parts[i] = `${pair.slice(0, eq)}=${MASK}`;
  }
  return parts.join('');
}

/** `//user:password@` or `//token@`: a URL's user info. */
const USER_INFO = /\/\/([^\s/?#@:]*)(:[^\s/?#@]*)?@/g;
/** A query (`?`), fragment (`#`) or path parameter (`;`) up to the next of them or the end of the URL. */
const PARAMETERS = /([?#;])([^\s"'<>`?#]*)/g;

/**
 * `text` (a URL, a request target, a header value, or a message with URLs in it) with
 * its secrets masked; see the module comment.
 */
export function maskUrl(text: string, isSecret: SecretTest = isSecretName): string {
  // The password goes; a user name alone goes too, since tokens travel there (`https://ghp_x@github.com`).
  let masked = text.includes('@') ? text.replace(USER_INFO, (_match, user: string, password?: string) => (password === undefined ? `//${MASK}@` : `//${user}:${MASK}@`)) : text;
  if (masked.includes('=')) masked = masked.replace(PARAMETERS, (_match, mark: string, params: string) => mark + maskQuery(params, isSecret));
  return masked;
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
export function maskEnviron(environ: Environ, isSecret: SecretTest = isSecretName): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const key of Object.keys(environ).sort()) {
    const value = environ[key];
    let shown: string;
    if (key === 'HTTP_COOKIE' && typeof value === 'string') shown = maskCookies(value);
    else if (isSecret(key)) shown = MASK;
    else if (typeof value !== 'string') shown = describe(value);
    // The query alone may hold anything up to its end, spaces too: all of it is parameters.
    else if (key === 'QUERY_STRING') shown = maskQuery(value, isSecret);
    // Any other string may be or hold a URL: the Referer, REQUEST_URI, X-Original-URL...
    else shown = maskUrl(value, isSecret);
    rows.push([key, shown]);
  }
  return rows;
}

/** `GET /path?q=1&token=[masked] HTTP/1.1`: the request line, secrets masked. */
export function requestLine(environ: Environ, isSecret: SecretTest = isSecretName): string {
  const path = maskUrl(rawRequestPath(environ) ?? (quotePath(environ.SCRIPT_NAME + environ.PATH_INFO) || '/'), isSecret);
  const query = environ.QUERY_STRING ? '?' + maskQuery(environ.QUERY_STRING, isSecret) : '';
  return `${environ.REQUEST_METHOD} ${path}${query} ${environ.SERVER_PROTOCOL}`;
}
