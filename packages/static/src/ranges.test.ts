import fc from 'fast-check';
import { coalesce, parseRange, rangesLength } from './ranges.js';

describe('parseRange', () => {
  it.each([
    ['bytes=0-0', 10, [{ start: 0, end: 0 }]],
    ['bytes=5-', 10, [{ start: 5, end: 9 }]],
    ['bytes=-3', 10, [{ start: 7, end: 9 }]],
    ['bytes=-30', 10, [{ start: 0, end: 9 }]],
    ['bytes=8-100', 10, [{ start: 8, end: 9 }]],
    ['BYTES = 1-2 , , 4-5', 10, [{ start: 1, end: 2 }, { start: 4, end: 5 }]],
    ['bytes=0-4,5-9', 10, [{ start: 0, end: 9 }]],
    ['bytes=0-99,50-149,-10', 1000, [{ start: 0, end: 149 }, { start: 990, end: 999 }]],
    ['bytes=10-', 10, 'unsatisfiable'],
    ['bytes=-0', 10, 'unsatisfiable'],
    ['bytes=20-30,40-', 10, 'unsatisfiable'],
    ['bytes=0-5', 0, undefined],
    ['bytes=5-1', 10, undefined],
    ['bytes=a-b', 10, undefined],
    ['bytes=-', 10, undefined],
    ['lines=0-1', 10, undefined],
    ['bytes=', 10, undefined],
    ['0-1', 10, undefined],
  ] as const)('%s of %d bytes', (header, size, expected) => {
    expect(parseRange(header, size, 50)).toEqual(expected);
  });

  it('more members than maxRanges are ignored, even when they would merge', () => {
    expect(parseRange('bytes=0-1,2-3,4-5', 100, 2)).toBeUndefined();
    expect(parseRange('bytes=0-1,2-3', 100, 2)).toEqual([{ start: 0, end: 3 }]);
  });

  it('property: ranges are sorted, disjoint, inside the file, never more bytes than the file', () => {
    const spec = fc.oneof(
      fc.tuple(fc.nat(2000), fc.nat(2000)).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.nat(2000).map((a) => `${a}-`),
      fc.nat(2000).map((n) => `-${n}`),
    );
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 1500 }), (specs, size) => {
        const result = parseRange(`bytes=${specs.join(',')}`, size, 50);
        if (specs.length > 50) return result === undefined;
        if (result === undefined) return false;
        if (result === 'unsatisfiable') return true;
        for (let i = 0; i < result.length; i++) {
          const r = result[i]!;
          if (r.start < 0 || r.end >= size || r.start > r.end) return false;
          if (i > 0 && r.start <= result[i - 1]!.end + 1) return false;
        }
        return rangesLength(result) <= size;
      }),
    );
  });
});

describe('coalesce', () => {
  it('merges overlapping and touching ranges and keeps gaps', () => {
    expect(coalesce([{ start: 10, end: 20 }, { start: 0, end: 5 }, { start: 6, end: 8 }, { start: 15, end: 30 }, { start: 40, end: 41 }])).toEqual([
      { start: 0, end: 8 },
      { start: 10, end: 30 },
      { start: 40, end: 41 },
    ]);
  });
});
