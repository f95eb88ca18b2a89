/**
 * `Range: bytes=...` (RFC 9110 section 14) against a representation of `size` bytes.
 *
 * - `a-b`, `a-` and the suffix `-n` (the last n bytes); ends past the last byte are
 *   clamped, ranges starting past it dropped; none left -> unsatisfiable (416).
 * - A header that does not parse, another unit, or more than `maxRanges` ranges is
 *   ignored: the whole representation is sent, as section 14.2 allows. Many tiny or
 *   overlapping ranges are the known way to make a server send a file many times
 *   over (CVE-2011-3192 against Apache, and the advisory Rack 3.2.6 fixed), so the count is capped.
 * - Overlapping and adjacent ranges are merged and sorted (section 14.3 allows
 *   coalescing), so no byte is sent twice.
 * - An empty representation has no ranges to send: the header is ignored.
 *
 * @example
 * parseRange('bytes=0-99,50-149,-10', 1000, 50); // [{ start: 0, end: 149 }, { start: 990, end: 999 }]
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-14.1.2 (byte ranges)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-14.2 (Range)
 * @module
 */

/** One byte range, both ends inclusive, as Content-Range writes them. */
export interface ByteRange {
  start: number;
  end: number;
}

const SPEC = /^(\d*)\s*-\s*(\d*)$/;

/**
 * The ranges to send, `'unsatisfiable'` for a 416, or `undefined` when the header is
 * to be ignored (send the whole representation).
 */
export function parseRange(header: string, size: number, maxRanges: number): ByteRange[] | 'unsatisfiable' | undefined {
  const eq = header.indexOf('=');
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes' || size === 0) return undefined;
  const ranges: ByteRange[] = [];
  let count = 0;
  for (const member of header.slice(eq + 1).split(',')) {
    const spec = member.trim();
    if (spec === '') continue; // list syntax allows empty members
    if (++count > maxRanges) return undefined;
    const match = SPEC.exec(spec);
    if (match === null) return undefined;
    const [, first, last] = match as unknown as [string, string, string];
    if (first === '') {
      if (last === '') return undefined;
      const suffix = Number(last);
      if (suffix > 0) ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(first);
    if (last !== '' && Number(last) < start) return undefined; // an invalid range-spec invalidates the header
    if (start < size) ranges.push({ start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) });
  }
  if (count === 0) return undefined;
  if (ranges.length === 0) return 'unsatisfiable';
  return coalesce(ranges);
}

/** Sorts ranges and merges the ones that overlap or touch. */
export function coalesce(ranges: ByteRange[]): ByteRange[] {
  if (ranges.length < 2) return ranges;
  ranges.sort((a, b) => a.start - b.start);
  const merged: ByteRange[] = [{ ...ranges[0]! }];
  for (let i = 1; i < ranges.length; i++) {
    const range = ranges[i]!;
    const last = merged[merged.length - 1]!;
    if (range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** The byte count of a set of ranges. */
export function rangesLength(ranges: readonly ByteRange[]): number {
  let total = 0;
  for (const range of ranges) total += range.end - range.start + 1;
  return total;
}
