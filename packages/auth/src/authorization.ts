/**
 * Splitting an `Authorization` field value into its scheme and credentials.
 * The scheme is matched case-insensitively; one or more spaces separate it from
 * the credentials.
 *
 * @example
 * credentialsFor('basic  dXNlcjpwdw==', 'Basic'); // 'dXNlcjpwdw=='
 * credentialsFor('Bearer abc', 'Basic');          // null
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.4 (credentials)
 * @module
 */

/**
 * The credentials that follow `scheme` in `value`: `null` when `value` uses another
 * scheme, `''` when the scheme stands alone. RFC 9110 section 11.1 makes the scheme
 * case-insensitive, and `credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`.
 */
export function credentialsFor(value: string, scheme: string): string | null {
  // Field values carry no leading or trailing whitespace (RFC 9110 section 5.5).
  const field = value.trim();
  const space = field.indexOf(' ');
  const name = space < 0 ? field : field.slice(0, space);
  if (name.length !== scheme.length || name.toLowerCase() !== scheme.toLowerCase()) return null;
  if (space < 0) return '';
  let start = space + 1;
  while (field.charCodeAt(start) === 0x20) start++;
  return field.slice(start);
}
