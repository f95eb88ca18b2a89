/**
 * Integer division for the counters, exact for non-negative safe integers, without
 * `a % b`: on numbers past 2^31 (units times milliseconds, epoch ms) V8 computes that
 * with a call to C's `fmod`, a loop over the bits. The float quotient is within half
 * an ulp of a / b, less than 1/b for a < 2^53, and a quotient that is not an integer
 * is at least 1/b from one: so rounding it down (or up) is exact. The multiplication
 * after it (exact below 2^53) checks that for the cost of one instruction.
 *
 * @example
 * floorDiv(7, 2); // 3
 * ceilDiv(7, 2); // 4
 * @module
 */

/** ⌊a / b⌋ for integers 0 <= a, 0 < b, a + b < 2^53. */
export function floorDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  return q * b > a ? q - 1 : q;
}

/** ⌈a / b⌉ for integers 0 <= a, 0 < b, a + b < 2^53. */
export function ceilDiv(a: number, b: number): number {
  const q = Math.ceil(a / b);
  return q * b < a ? q + 1 : q;
}
