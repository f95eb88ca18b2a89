/**
 * The layout of a `multipart/byteranges` body (RFC 9110 section 14.6): for each range
 * a part head (boundary, Content-Type, Content-Range) then its bytes, and a closing
 * boundary. Everything but the file bytes is made up front, so the response knows its
 * Content-Length before the first read.
 *
 * @example
 * const layout = byteRangesLayout([{ start: 0, end: 9 }, { start: 90, end: 99 }], 100, 'text/plain', boundary);
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-14.6 (multipart/byteranges)
 * @module
 */
import { rangesLength, type ByteRange } from './ranges.js';

/** What the body sends in order: literal bytes, or a range of the file. */
export type BodyPart = Uint8Array | ByteRange;

export interface ByteRangesLayout {
  /** The response's Content-Type, with its boundary. */
  readonly contentType: string;
  readonly parts: BodyPart[];
  readonly length: number;
}

const encoder = new TextEncoder();

/**
 * A boundary for one response: random, so a file cannot contain it by design. Made
 * per multipart response (rare), never at import time.
 */
export function newBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `tsgi-${hex}`;
}

/** The parts and length of a multipart/byteranges body for `ranges` of a `size`-byte file. */
export function byteRangesLayout(ranges: readonly ByteRange[], size: number, type: string, boundary: string): ByteRangesLayout {
  const parts: BodyPart[] = [];
  let length = rangesLength(ranges);
  ranges.forEach((range, i) => {
    // The CRLF before each boundary after the first belongs to the delimiter (RFC 2046).
    const head = encoder.encode(
      `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${range.start}-${range.end}/${size}\r\n\r\n`,
    );
    parts.push(head, range);
    length += head.byteLength;
  });
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  parts.push(tail);
  length += tail.byteLength;
  return { contentType: `multipart/byteranges; boundary=${boundary}`, parts, length };
}
