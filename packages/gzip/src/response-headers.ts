/**
 * The response headers gzip() sends: `Vary: Accept-Encoding` whenever the response
 * could have been compressed, and for a compressed one `Content-Encoding`, no (or the
 * compressed) `Content-Length`, and a weak `ETag`.
 *
 * Each function returns a new list and new pairs: an app may send the same header
 * list (a module-level constant) on every request, so editing it in place, as core's
 * `setHeader`/`appendHeaderToken` do, would leak one response's headers into the next.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5 (Vary)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3 (ETag; a weak tag survives a content coding)
 * @see https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.6 (no-transform)
 * @module
 */
import type { ResponseHeaders } from '@tsgi/core';

/** True when the comma-separated `value` lists `token` (case-insensitively), e.g. Cache-Control's no-transform. */
export function hasToken(value: string, token: string): boolean {
  for (const part of value.split(',')) {
    const t = part.trim().toLowerCase();
    if (t === token) return true;
  }
  return false;
}

function varies(value: string): boolean {
  return hasToken(value, 'accept-encoding') || hasToken(value, '*');
}

/** True when the response already carries a content coding other than `identity`. */
export function alreadyEncoded(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() !== 'identity' && value.trim() !== '';
}

/** `headers` with `Accept-Encoding` in `Vary` (the same list when it already is). */
export function withVary(headers: ResponseHeaders): ResponseHeaders {
  let at = -1;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!;
    if (name.length !== 4 || name.toLowerCase() !== 'vary') continue;
    if (varies(value)) return headers;
    if (at === -1) at = i;
  }
  const out = headers.slice();
  if (at === -1) out.push(['Vary', 'Accept-Encoding']);
  else out[at] = [out[at]![0], out[at]![1].trim() ? `${out[at]![1]}, Accept-Encoding` : 'Accept-Encoding'];
  return out;
}

/**
 * The headers of the compressed response: Content-Encoding set, Content-Length
 * dropped or set to `contentLength`, strong ETags made weak, Vary added.
 */
export function encodedHeaders(headers: ResponseHeaders, coding: string, contentLength?: number): ResponseHeaders {
  const out: ResponseHeaders = [];
  let vary = -1;
  let varied = false;
  for (const pair of headers) {
    const name = pair[0].toLowerCase();
    if (name === 'content-length' || name === 'content-encoding') continue;
    if (name === 'etag') {
      const value = pair[1].trim();
      // The compressed bytes differ from the identity ones, so a strong tag would lie.
      out.push(value.startsWith('"') ? [pair[0], `W/${value}`] : pair);
    } else if (name === 'vary') {
      if (varies(pair[1])) varied = true;
      else if (vary === -1) vary = out.length;
      out.push(pair);
    } else {
      out.push(pair);
    }
  }
  if (!varied) {
    if (vary === -1) out.push(['Vary', 'Accept-Encoding']);
    else out[vary] = [out[vary]![0], out[vary]![1].trim() ? `${out[vary]![1]}, Accept-Encoding` : 'Accept-Encoding'];
  }
  out.push(['Content-Encoding', coding]);
  if (contentLength !== undefined) out.push(['Content-Length', String(contentLength)]);
  return out;
}
