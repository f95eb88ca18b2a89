import fc from 'fast-check';
import { ceilDiv, floorDiv } from './integer.js';

/** What the counters divide: up to 2^47 (limit * window <= 2^46, plus a window). */
const MAX = 2 ** 47;

test.each([
  [7, 2, 3, 4],
  [6, 2, 3, 3],
  [0, 5, 0, 0],
  [59_999, 60_000, 0, 1],
  [60_000 * 999_999_999 - 1, 60_000, 999_999_998, 999_999_999],
  [MAX - 1, 3, Math.floor((MAX - 1) / 3), Math.floor((MAX - 1) / 3) + 1],
])('%p / %p: floor %p, ceil %p', (a, b, floor, ceil) => {
  expect(floorDiv(a, b)).toBe(floor);
  expect(ceilDiv(a, b)).toBe(ceil);
});

test('floorDiv and ceilDiv agree with BigInt division on every safe pair the counters use', () => {
  const exact = (a: number, b: number): [number, number] => {
    const q = BigInt(a) / BigInt(b);
    return [Number(q), Number(BigInt(a) % BigInt(b) === 0n ? q : q + 1n)];
  };
  const dividend = fc.oneof(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 1, max: 2 ** 20 }).chain((b) => fc.integer({ min: 0, max: Math.floor(MAX / b) }).map((k) => [k * b - 1, k * b, k * b + 1][k % 3]!)));
  fc.assert(
    fc.property(dividend.filter((a) => a >= 0), fc.integer({ min: 1, max: MAX }), (a, b) => {
      expect([floorDiv(a, b), ceilDiv(a, b)]).toEqual(exact(a, b));
    }),
    { numRuns: 20_000 },
  );
});
