/**
 * Precompressed siblings: `app.js.br` and `app.js.gz` made at build time, served in
 * place of `app.js` to a client whose `Accept-Encoding` takes them (as nginx's
 * `gzip_static`/`brotli_static` do). The response then carries `Content-Encoding`,
 * which `gzip()` leaves alone, and `Vary: Accept-Encoding`.
 *
 * @example
 * acceptedCodings('gzip, br;q=0.9', ['br', 'gzip']); // ['gzip', 'br']
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.3 (Accept-Encoding)
 * @module
 */

/** The codings a sibling may carry, and the file suffix of each. */
export const SIBLING_SUFFIX = { br: '.br', gzip: '.gz' } as const;
export type PrecompressedCoding = keyof typeof SIBLING_SUFFIX;

const QVALUE = /^\s*q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*$/i;
const NONE: readonly PrecompressedCoding[] = Object.freeze([]);

/**
 * The `offered` codings the client accepts (weight above 0), best weight first and
 * `offered` order among equals. `*` stands for any coding not listed by name;
 * `x-gzip` counts as `gzip`. No header means no coding.
 */
export function acceptedCodings(acceptEncoding: string | undefined, offered: readonly PrecompressedCoding[]): readonly PrecompressedCoding[] {
  if (acceptEncoding === undefined || offered.length === 0) return NONE;
  const weights = new Map<string, number>();
  for (const member of acceptEncoding.split(',')) {
    const semi = member.indexOf(';');
    let name = (semi === -1 ? member : member.slice(0, semi)).trim().toLowerCase();
    if (name === 'x-gzip') name = 'gzip';
    if (name === '' || weights.has(name)) continue;
    const q = semi === -1 ? '1' : QVALUE.exec(member.slice(semi + 1))?.[1];
    if (q !== undefined) weights.set(name, Number(q));
  }
  const star = weights.get('*') ?? 0;
  const chosen = offered
    .map((coding, order) => ({ coding, order, q: weights.get(coding) ?? star }))
    .filter((entry) => entry.q > 0);
  chosen.sort((a, b) => b.q - a.q || a.order - b.order);
  return chosen.map((entry) => entry.coding);
}
