/**
 * The boundary of a `multipart/form-data` request, from `environ.CONTENT_TYPE`:
 * another media type is a 415; a boundary that is missing, given twice, longer than
 * 70 characters or made of characters outside RFC 2046's `bchars` is a 400.
 *
 * @example
 * multipartBoundary('multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk');
 * // '----WebKitFormBoundary7MA4YWxk'
 * @see https://www.rfc-editor.org/rfc/rfc2046#section-5.1.1 (boundary syntax)
 * @see https://www.rfc-editor.org/rfc/rfc7578#section-4.1 (multipart/form-data)
 * @module
 */
import { HttpError } from '@tsgi/core';
import { parseParams, tokenEnd } from './params.js';

/** RFC 2046: `0*69<bchars> bcharsnospace`; space allowed, but not last. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** The boundary the client chose, checked; throws an `HttpError` 415 or 400. */
export function multipartBoundary(contentType: string | undefined): string {
  const text = contentType ?? '';
  const typeEnd = tokenEnd(text, tokenEnd(text, 0) + 1);
  const type = text.slice(0, typeEnd).toLowerCase();
  if (type !== 'multipart/form-data') {
    throw new HttpError(
      415,
      `a multipart body needs Content-Type: multipart/form-data; boundary=..., got ${contentType === undefined ? 'none' : JSON.stringify(contentType)}`,
    );
  }
  const boundary = parseParams(text, typeEnd, 'Content-Type').get('boundary');
  if (boundary === undefined) {
    throw new HttpError(400, `Content-Type ${JSON.stringify(text)} has no boundary parameter: multipart/form-data needs one (RFC 7578 section 4.1)`);
  }
  if (!BOUNDARY.test(boundary)) {
    throw new HttpError(
      400,
      `multipart boundary ${JSON.stringify(boundary)} is not 1-70 characters of letters, digits and '()+_,-./:=? (RFC 2046 section 5.1.1)`,
    );
  }
  return boundary;
}
