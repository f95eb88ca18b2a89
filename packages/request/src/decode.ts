/**
 * From kept body bytes to values: text in the charset the Content-Type names, JSON
 * (UTF-8 only, as RFC 8259 requires), and `application/x-www-form-urlencoded` forms
 * (WHATWG's parser, with a field count checked before anything is decoded). Each
 * failure is the client's, so each is an `HttpError` with a one-line reason: 400 for
 * a malformed body, 413 for too many fields, 415 for a charset this runtime cannot
 * decode.
 *
 * @example
 * decodeJson(bytes, 'utf-8', 'json()'); // a value, or HttpError 400 "the body is not valid JSON: ..."
 *
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-8.1 (JSON is UTF-8)
 * @see https://url.spec.whatwg.org/#concept-urlencoded-parser
 * @see https://encoding.spec.whatwg.org/#names-and-labels
 * @module
 */
import { HttpError } from '@tsgi/core';

type Decoder = InstanceType<typeof TextDecoder>;

const decoders = new Map<string, Decoder>();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextDecoder('utf-8');

/** A TextDecoder for a charset label (cached), or a 415 when the runtime has none for it. */
export function decoderFor(charset: string | undefined, what: string): Decoder {
  const label = (charset ?? 'utf-8').trim().toLowerCase() || 'utf-8';
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      throw new HttpError(415, `${what}: unsupported charset ${JSON.stringify(charset)}; send UTF-8`);
    }
    // Labels come from clients: a bounded cache, so they cannot grow it.
    if (decoders.size < 64) decoders.set(label, decoder);
  }
  return decoder;
}

/** The body as text in `charset` (UTF-8 by default); bytes the charset cannot map become U+FFFD. */
export function decodeText(bytes: Uint8Array, charset: string | undefined, what: string): string {
  return decoderFor(charset, what).decode(bytes);
}

function isUtf8Label(charset: string | undefined): boolean {
  if (charset === undefined) return true;
  const label = charset.trim().toLowerCase();
  return label === 'utf-8' || label === 'utf8' || label === 'unicode-1-1-utf-8';
}

/** The body parsed as JSON: 415 for a charset other than UTF-8, 400 for bad UTF-8 or bad JSON. */
export function decodeJson(bytes: Uint8Array, charset: string | undefined, what: string): unknown {
  if (!isUtf8Label(charset)) {
    throw new HttpError(415, `${what}: JSON must be UTF-8 (RFC 8259), got charset=${charset}`);
  }
  // A leading BOM is dropped, as RFC 8259 allows. The lenient decoder is the faster
  // one (a quarter less for 10 KB of ASCII on Node 20); bad UTF-8 comes out of it as
  // U+FFFD, so only a text holding one (rare, and found at once in a one-byte string)
  // is decoded again strictly, to tell bad bytes from a U+FFFD the client sent.
  let text = utf8.decode(bytes);
  if (text.includes('\uFFFD')) {
    try {
      text = strictUtf8.decode(bytes);
    } catch (error) {
      throw new HttpError(400, `${what}: the body is not valid UTF-8`, { cause: error });
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (/^\s*$/.test(text)) throw new HttpError(400, `${what}: the body is empty; send a JSON value`, { cause: error });
    const reason = (error as Error).message.split('\n')[0];
    throw new HttpError(400, `${what}: the body is not valid JSON: ${reason}`, { cause: error });
  }
}

/** How many non-empty `&`-separated fields `bytes` holds, counting no further than `max + 1`. */
function countFields(bytes: Uint8Array, max: number): number {
  let fields = 0;
  let start = 0;
  for (let i = 0; i <= bytes.length && fields <= max; i++) {
    if (i === bytes.length || bytes[i] === 0x26) {
      if (i > start) fields++;
      start = i + 1;
    }
  }
  return fields;
}

/** A 413 when the urlencoded `bytes` hold more than `maxFields` fields. */
export function checkFields(bytes: Uint8Array, maxFields: number, what: string): void {
  if (countFields(bytes, maxFields) > maxFields) {
    throw new HttpError(413, `${what}: the form has more than ${maxFields} fields; pass { maxFields } to accept more`);
  }
}

function hex(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  code |= 0x20;
  return code >= 97 && code <= 102 ? code - 87 : -1;
}

/** `+` to space, then `%XX` to its byte (a `%` without two hex digits stays), as WHATWG's percent-decode. */
function formBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0x2b) out[n++] = 0x20;
    else if (byte === 0x25 && i + 2 < bytes.length && hex(bytes[i + 1]!) !== -1 && hex(bytes[i + 2]!) !== -1) {
      out[n++] = hex(bytes[i + 1]!) * 16 + hex(bytes[i + 2]!);
      i += 2;
    } else out[n++] = byte;
  }
  return out.subarray(0, n);
}

/**
 * An urlencoded form: 413 past `maxFields` (counted before decoding), 415 for a
 * charset the runtime cannot decode. UTF-8 (the WHATWG default) goes through
 * URLSearchParams; another charset decodes each percent-decoded name and value in it.
 */
export function decodeForm(bytes: Uint8Array, charset: string | undefined, maxFields: number, what: string): URLSearchParams {
  checkFields(bytes, maxFields, what);
  if (isUtf8Label(charset)) return new URLSearchParams(decodeText(bytes, 'utf-8', what));
  const decoder = decoderFor(charset, what);
  const form = new URLSearchParams();
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x26) continue;
    if (i > start) {
      const field = bytes.subarray(start, i);
      const eq = field.indexOf(0x3d);
      const name = eq === -1 ? field : field.subarray(0, eq);
      const value = eq === -1 ? new Uint8Array(0) : field.subarray(eq + 1);
      form.append(decoder.decode(formBytes(name)), decoder.decode(formBytes(value)));
    }
    start = i + 1;
  }
  return form;
}
