/**
 * The token cookie: its name by scheme (`__Host-` on HTTPS, where browsers then refuse
 * it from a subdomain, from plain HTTP, with a Domain or another Path: no other site can
 * plant a token), reading it from `HTTP_COOKIE`, and the `Set-Cookie` that sends it.
 *
 * @example
 * readCookie('a=1; __Host-csrf=abc', '__Host-csrf'); // 'abc'
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-5.2 (the Cookie header)
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-4.1.3.2 (__Host-)
 * @module
 */

/** The value of cookie `name` in a Cookie header, or undefined. The first one wins, as browsers send the most specific first. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface CookieSettings {
  /** The name on HTTPS requests and on plain-HTTP ones. */
  names: { https: string; http: string };
  sameSite: 'Strict' | 'Lax';
}

/** The Set-Cookie value for `token` on a request of `scheme`. HttpOnly: the app hands the token to its pages. */
export function setCookie(settings: CookieSettings, scheme: string, token: string): string {
  const secure = scheme === 'https';
  const name = secure ? settings.names.https : settings.names.http;
  return `${name}=${token}; Path=/; SameSite=${settings.sameSite}; HttpOnly${secure ? '; Secure' : ''}`;
}
