/**
 * Finding the multipart delimiter (`CRLF--boundary`) in a chunk of the body, and the
 * start of a partial delimiter at a chunk's end (the rest may come in the next chunk).
 *
 * Where the runtime has a `Buffer` (Node, Bun, Workers with nodejs_compat), its native
 * `indexOf` searches a plain `Uint8Array` too, at memory speed; elsewhere a
 * Boyer-Moore-Horspool search in JavaScript does. Both are picked once, at first use.
 * Measured on a 10 MB upload: see the package README (Multipart uploads, Measured).
 *
 * @example
 * const find = byteSearch(new TextEncoder().encode('\r\n--xyz'));
 * find(chunk, 0); // index of the delimiter, or -1
 * @module
 */

/** Index of the needle in `haystack` at or after `from`, or -1. */
export type ByteSearch = (haystack: Uint8Array, from: number) => number;

type NativeIndexOf = (this: Uint8Array, value: Uint8Array, byteOffset: number) => number;
const nativeIndexOf = (globalThis as { Buffer?: { prototype: { indexOf: NativeIndexOf } } }).Buffer?.prototype.indexOf;

/** A Boyer-Moore-Horspool search for `needle`, in JavaScript. */
export function horspool(needle: Uint8Array): ByteSearch {
  const last = needle.length - 1;
  const skip = new Uint8Array(256).fill(Math.min(needle.length, 255));
  for (let i = 0; i < last; i++) skip[needle[i]!] = Math.min(last - i, 255);
  const tail = needle[last]!;
  return function horspoolSearch(haystack, from) {
    const end = haystack.length;
    let i = from + last;
    while (i < end) {
      const c = haystack[i]!;
      if (c === tail) {
        let j = last - 1;
        let k = i - 1;
        while (j >= 0 && haystack[k] === needle[j]) {
          j--;
          k--;
        }
        if (j < 0) return k + 1;
      }
      i += skip[c]!;
    }
    return -1;
  };
}

/** The fastest search for `needle` this runtime has. */
export function byteSearch(needle: Uint8Array): ByteSearch {
  if (nativeIndexOf === undefined) return horspool(needle);
  return function nativeSearch(haystack, from) {
    return nativeIndexOf.call(haystack, needle, from);
  };
}

/**
 * Where a partial `needle` starts at the end of `haystack` (searching from `from`):
 * the first index whose bytes to the end are a proper prefix of the needle, or
 * `haystack.length` when there is none. The bytes from there are held back until the
 * next chunk says whether they are the delimiter or content.
 */
export function partialTail(haystack: Uint8Array, from: number, needle: Uint8Array): number {
  const end = haystack.length;
  const first = needle[0]!;
  let i = Math.max(from, end - needle.length + 1);
  while (i < end) {
    i = haystack.indexOf(first, i);
    if (i === -1) return end;
    let k = 1;
    while (i + k < end && haystack[i + k] === needle[k]) k++;
    if (i + k === end) return i;
    i++;
  }
  return end;
}
