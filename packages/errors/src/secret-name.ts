/**
 * Which names hold secrets: query parameters, environ keys, header names. One rule for
 * all of them, so the exception page masks `?api_key=`, `?Api-Key=`, `?api+key=` and
 * the `X-Api-Key` header alike.
 *
 * A name is normalized first: lower-cased, an `HTTP_` (environ) prefix dropped, and
 * `-`, `_`, `+`, `.` and spaces removed (`X-Amz-Signature` -> `xamzsignature`,
 * `api+key` -> `apikey`). It is secret when the normalized name, with or without an
 * `x-` prefix, is one of `SECRET_NAMES` (short names too common inside other words to
 * match as a part: `key`, `sig`, `code`, `pass`, `pw`, ...) or contains one of `SECRET_NAME_PARTS`
 * (`token`, `secret`, `passw`, `signature`, `key`, `auth`, `session`, ...). Masking a
 * value that was not secret costs a developer a look elsewhere; showing one that was
 * can cost an account, so the parts are generous (`keyword` is masked too).
 *
 * @example
 * isSecretName('X-Amz-Signature'); // true (part "signature")
 * isSecretName('api+key');         // true (part "key")
 * isSecretName('code');            // true (OAuth authorization code)
 * isSecretName('page');            // false
 *
 * @see https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url
 * @module
 */

/** Normalized names that are secret as a whole (OAuth `code`, Azure SAS `sig`, `pw`...). */
export const SECRET_NAMES: ReadonlySet<string> = new Set([
  'key', 'sig', 'code', 'pass', 'pw', 'pwd', 'pin', 'otp', 'totp', 'sid', 'hmac', 'ticket',
  'passcode', 'passphrase', 'assertion', 'clientassertion', 'samlresponse', 'amznoidcdata',
]);

/** Parts that make any normalized name that contains them secret. */
export const SECRET_NAME_PARTS: readonly string[] = [
  'token', 'secret', 'passw', 'signature', 'key', 'auth', 'cookie', 'session', 'sessid',
  'credential', 'private', 'csrf', 'xsrf', 'jwt', 'verifier',
];

/** `name` lower-cased, without its `HTTP_` prefix and without separators. */
export function normalizeName(name: string): string {
  const lower = name.toLowerCase();
  return (lower.startsWith('http_') ? lower.slice(5) : lower).replace(/[-_+. ]/g, '');
}

/** True when a parameter, environ key or header called `name` holds a secret. */
export function isSecretName(name: string): boolean {
  const normalized = normalizeName(name);
  for (const part of SECRET_NAME_PARTS) if (normalized.includes(part)) return true;
  if (SECRET_NAMES.has(normalized)) return true;
  const bare = bareName(name);
  return bare !== name && SECRET_NAMES.has(normalizeName(bare));
}

/**
 * `name` without an environ `HTTP_` and an extension `x-` prefix (`HTTP_X_SIG` -> `SIG`):
 * an `x-` says nothing of what a header or parameter holds.
 */
export function bareName(name: string): string {
  return name.replace(/^(?:http_)?(?:x[-_])?/i, '');
}
