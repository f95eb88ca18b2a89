/**
 * A redirect's `Location` made safe to send: a control character (CR, LF, NUL, ...)
 * is refused, since in a header it would end the field (response splitting), and
 * what a URL may not hold as it is gets percent-encoded: a space, `"<>\`{}`, a `%`
 * that starts no escape, and non-ASCII text as its UTF-8 bytes (`/café` ->
 * `/caf%C3%A9`). Escapes already there are kept, so an encoded URL is not encoded
 * twice; an absolute URL's non-ASCII host is written in punycode. The result is ASCII, a valid header value on every gateway. The set kept is
 * the `encodeurl` package's (Express's `res.location`).
 *
 * @example
 * encodeLocation('/search?q=crème brûlée'); // '/search?q=cr%C3%A8me%20br%C3%BBl%C3%A9e'
 * encodeLocation('/x\r\nSet-Cookie: a=b');  // TypeError
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.2 (Location)
 * @see https://url.spec.whatwg.org/#url-code-points
 * @module
 */

// Runs of characters a URL does not hold as they are, and '%' not followed by two hex digits.
const ENCODE = /(?:[^\x21\x23-\x3b\x3d\x3f-\x5f\x61-\x7a\x7c\x7e]|%(?:[^0-9A-Fa-f]|[0-9A-Fa-f](?:[^0-9A-Fa-f]|$)|$))+/g;
const CONTROL = /[\x00-\x1f\x7f]/;
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** The Location value for `location` (a string or URL); throws a TypeError for one that cannot be sent. */
export function encodeLocation(location: string | URL, where = 'redirect()'): string {
  if (location instanceof URL) return location.href;
  if (typeof location !== 'string') throw new TypeError(`${where}: location must be a string or a URL, got ${typeof location}`);
  const control = CONTROL.exec(location);
  if (control !== null) {
    const code = control[0].charCodeAt(0).toString(16).padStart(2, '0');
    throw new TypeError(`${where}: the location has a control character (U+00${code.toUpperCase()}) at ${control.index}: ${JSON.stringify(location)}`);
  }
  // An absolute URL goes through the URL parser, which writes a non-ASCII host in
  // punycode (percent-encoding would make it no host at all).
  if (ABSOLUTE.test(location) && /[^\x00-\x7f]/.test(location)) {
    try {
      location = new URL(location).href;
    } catch {
      // Not a URL the parser takes: encoded as it is, below.
    }
  }
  try {
    return location.replace(ENCODE, (run) => encodeURI(run));
  } catch (error) {
    // encodeURI throws URIError for a lone surrogate: no UTF-8 bytes stand for it.
    throw new TypeError(`${where}: the location has a lone surrogate, which has no UTF-8 form: ${JSON.stringify(location)}`, { cause: error });
  }
}
