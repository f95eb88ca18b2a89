import fc from 'fast-check';
import { byteSearch, horspool, partialTail } from './search.js';

const encoder = new TextEncoder();

/** The obvious search, to check the fast ones against. */
function naive(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

// Small alphabets make matches and near-matches common.
const alphabet = fc.constantFrom(13, 10, 45, 97, 98);
const bytesOf = (max: number) => fc.array(alphabet, { maxLength: max }).map((a) => Uint8Array.from(a));

describe('byte search', () => {
  it.each([
    ['native', byteSearch],
    ['horspool', horspool],
  ])('%s finds what a naive search finds, from any start', (_name, make) => {
    fc.assert(
      fc.property(bytesOf(6).filter((n) => n.length > 0), bytesOf(60), fc.nat(60), (needle, haystack, from) => {
        expect(make(needle)(haystack, from)).toBe(naive(haystack, needle, from));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds the delimiter in a plain Uint8Array', () => {
    const find = byteSearch(encoder.encode('\r\n--b'));
    expect(find(encoder.encode('xx\r\n--a\r\n--b'), 0)).toBe(7);
  });
});

describe('partialTail', () => {
  const needle = encoder.encode('\r\n--xyz');

  it('finds where a proper prefix of the needle starts at the end', () => {
    expect(partialTail(encoder.encode('data\r\n--x'), 0, needle)).toBe(4);
    expect(partialTail(encoder.encode('data\r'), 0, needle)).toBe(4);
    expect(partialTail(encoder.encode('data\r\n-y'), 0, needle)).toBe(8);
    expect(partialTail(encoder.encode('\r\r\n-'), 0, needle)).toBe(1);
    expect(partialTail(encoder.encode('data'), 0, needle)).toBe(4);
    expect(partialTail(encoder.encode('\r\n'), 1, needle)).toBe(2);
  });

  it('is the first index whose suffix is a prefix of the needle', () => {
    fc.assert(
      fc.property(bytesOf(30), (haystack) => {
        const n = encoder.encode('\r\n-a');
        let expected = haystack.length;
        for (let i = Math.max(0, haystack.length - n.length + 1); i < haystack.length; i++) {
          const tail = haystack.subarray(i);
          if (tail.every((b, k) => b === n[k])) {
            expected = i;
            break;
          }
        }
        expect(partialTail(haystack, 0, n)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
