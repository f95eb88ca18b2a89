/**
 * Integer division for the counters: exact for non-negative safe integers, where
 * `Math.floor(a / b)` could round a quotient just below an integer up to it.
 *
 * @example
 * floorDiv(7, 2); // 3
 * ceilDiv(7, 2); // 4
 * @module
 */

/** ⌊a / b⌋ for integers a >= 0, b > 0. */
export function floorDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

/** ⌈a / b⌉ for integers a >= 0, b > 0. */
export function ceilDiv(a: number, b: number): number {
  const rest = a % b;
  return rest === 0 ? a / b : (a - rest) / b + 1;
}
