/** Small statistics for bench rounds: median and spread, so one noisy round does not decide. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** (max - min) / median, as a fraction: 0.05 means the rounds were within 5% of each other. */
export function spread(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const m = median(values);
  return m === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / m;
}

/** `values` rotated left by `by`: round r starts at a different target so order bias averages out. */
export function rotate<T>(values: readonly T[], by: number): T[] {
  const n = values.length;
  if (n === 0) return [];
  const k = ((by % n) + n) % n;
  return [...values.slice(k), ...values.slice(0, k)];
}
