/**
 * "did you mean --workers?": the nearest known name to a mistyped one, by edit
 * distance (Damerau-Levenshtein with adjacent swaps, so `--wrokers` is one edit away).
 * Used by the CLI for unknown options, commands and config-file keys.
 *
 * @example
 * didYouMean('worker', ['workers', 'port']); // ' (did you mean workers?)'
 * @module
 */

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The closest of `known` to `seen`, or undefined when none is close: within a third
 * of the name's length (at least 1 edit, at most 3), or one that starts with `seen`
 * (`--max` -> `--max-requests`), so an unrelated word gets no suggestion.
 */
export function closest(seen: string, known: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(seen.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(seen.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  if (bestDistance <= limit) return best;
  return seen.length >= 3 ? known.find((name) => name.startsWith(seen)) : undefined;
}

/** `' (did you mean X?)'` or '' — to append to an "unknown ..." message. */
export function didYouMean(seen: string, known: readonly string[], show: (name: string) => string = (name) => name): string {
  const name = closest(seen, known);
  return name === undefined ? '' : ` (did you mean ${show(name)}?)`;
}
