/**
 * An origin as browsers serialize it in the `Origin` header: scheme, `://`, host, and
 * `:port` only when not the scheme's default; lower case; Unicode hosts in punycode;
 * `null` for an opaque origin. Middleware that compare a request's `Origin` with
 * configured origins (cors's allow list, csrf's trusted origins) normalize what they
 * are given to this form once, at factory time, and then compare whole strings, so
 * `https://example.com` never matches `https://evil-example.com`,
 * `https://example.com.evil.com` or `https://example.com:8443`.
 *
 * Anything with a path, query, fragment or user info is refused: no browser sends one,
 * and a configured `https://example.com/` would otherwise never match and fail silently.
 *
 * @example
 * normalizeOrigin('https://Example.COM:443', 'cors: origin'); // 'https://example.com'
 * normalizeOrigin('https://example.com/', 'cors: origin'); // TypeError: ... is not an origin
 * @see https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 * @see https://www.rfc-editor.org/rfc/rfc6454#section-6.2 (serializing an origin)
 * @module
 */

const ORIGIN_SHAPE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#@\s]+)$/i;

/**
 * `text` as a browser serializes the origin, or a TypeError that starts with `where`
 * (the option, e.g. `'cors: origin'`) and says how to write the value.
 */
export function normalizeOrigin(text: string, where: string): string {
  if (text === 'null') return text;
  const shape = ORIGIN_SHAPE.exec(text);
  if (shape === null) {
    throw new TypeError(
      `${where}: ${JSON.stringify(text)} is not an origin; write scheme://host[:port] with no path, query or trailing slash, e.g. "https://app.example.com"`,
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${where}: ${JSON.stringify(text)} is not a valid URL origin, e.g. "https://app.example.com"`);
  }
  // Special schemes (http, https, ws, ...) have a tuple origin; others, such as an app's
  // `capacitor://localhost`, are compared as written, lower-cased.
  return url.origin !== 'null' ? url.origin : `${url.protocol}//${url.host}`.toLowerCase();
}
