/**
 * Whether a response body can travel in a Lambda result as text or must be base64
 * (`isBase64Encoded: true`). API Gateway and ALB carry the body as a JSON string, so
 * bytes that are not UTF-8 text would be mangled on the way: images, archives, and
 * any body with a Content-Encoding (a gzip() response is binary whatever its type).
 *
 * Text is: `text/*`, JSON and XML (also as `+json`/`+xml` suffixes), JavaScript,
 * form data, SVG, GraphQL, and any type listed in `textTypes`; with no Content-Type,
 * the bytes decide. A body that claims a text type but is not valid UTF-8 is base64
 * too, so nothing is ever lost.
 *
 * @example
 * bodyIsText('application/json; charset=utf-8', null, []); // true
 * bodyIsText('text/html', 'gzip', []); // false: compressed bytes
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html
 * @module
 */

import { Buffer } from 'node:buffer';

const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/ecmascript',
  'application/x-www-form-urlencoded',
  'application/graphql',
  'application/x-ndjson',
  'image/svg+xml',
]);

/** The media type without parameters, lower-cased: `'Text/HTML; charset=utf-8'` -> `'text/html'`. */
export function mediaType(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** True when the Content-Type and Content-Encoding say the body is text. */
export function bodyIsText(contentType: string | null, contentEncoding: string | null, textTypes: ReadonlySet<string>): boolean {
  if (contentEncoding !== null && contentEncoding.trim().toLowerCase() !== 'identity' && contentEncoding.trim() !== '') return false;
  if (contentType === null) return true;
  const type = mediaType(contentType);
  return (
    type.startsWith('text/') ||
    TEXT_TYPES.has(type) ||
    textTypes.has(type) ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  );
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The body as a result field: UTF-8 text when it is text and decodes, else base64. */
export function encodeBody(bytes: Uint8Array, text: boolean): { body: string; isBase64Encoded: boolean } {
  if (bytes.byteLength === 0) return { body: '', isBase64Encoded: false };
  if (text) {
    try {
      return { body: UTF8.decode(bytes), isBase64Encoded: false };
    } catch {
      // not UTF-8 after all: fall through to base64
    }
  }
  return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), isBase64Encoded: true };
}
