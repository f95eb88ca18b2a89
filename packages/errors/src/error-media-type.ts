/**
 * Which form an error body takes, from the request's `Accept` header: RFC 9457's
 * `application/problem+json` (or `application/json` for a client that names only
 * that), an HTML page, or plain text. Plain text is the default: no `Accept`, `*\/*`,
 * or nothing acceptable (an error still goes out; RFC 9110 lets a server disregard
 * `Accept` rather than answer 406 to a 4xx).
 *
 * A browser's `text/html,...,*\/*;q=0.8` gets HTML; `application/*` gets problem+json.
 * Among equal qualities an exact match beats a wildcard, then the order below.
 *
 * @example
 * negotiateErrorType('application/json'); // 'application/json'
 * negotiateErrorType(undefined);          // 'text/plain'
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1 (Accept)
 * @see https://www.rfc-editor.org/rfc/rfc9457#section-3 (problem+json)
 * @module
 */

/** The forms an error body can take, in order of preference on a tie. */
export const ERROR_MEDIA_TYPES = ['text/plain', 'application/problem+json', 'application/json', 'text/html'] as const;
export type ErrorMediaType = (typeof ERROR_MEDIA_TYPES)[number];

interface Range {
  type: string;
  subtype: string;
  q: number;
}

const cache = new Map<string, ErrorMediaType>();
const CACHE_LIMIT = 256;

/** The `Accept` header's media ranges; a malformed range is skipped. */
function parseAccept(accept: string): Range[] {
  const ranges: Range[] = [];
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';');
    const slash = range.indexOf('/');
    if (slash <= 0) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=');
      if (name?.trim().toLowerCase() === 'q') q = Number(value?.trim());
    }
    if (!(q >= 0 && q <= 1)) continue;
    ranges.push({ type: range.slice(0, slash).trim().toLowerCase(), subtype: range.slice(slash + 1).trim().toLowerCase(), q });
  }
  return ranges;
}

/** How well `ranges` accept `mediaType`: [quality, specificity] of the most specific matching range. */
function score(ranges: Range[], mediaType: string): [number, number] {
  const [type, subtype] = mediaType.split('/') as [string, string];
  let best: [number, number] = [0, -1];
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype ? 2 : range.type === type && range.subtype === '*' ? 1 : range.type === '*' ? 0 : -1;
    // RFC 9110: the most specific range that matches decides the quality.
    if (specificity > best[1]) best = [range.q, specificity];
  }
  return best;
}

/** The error body's media type for this `Accept` header. */
export function negotiateErrorType(accept: string | undefined): ErrorMediaType {
  if (accept === undefined || accept === '' || accept === '*/*') return 'text/plain';
  let chosen = cache.get(accept);
  if (chosen !== undefined) return chosen;
  const ranges = parseAccept(accept);
  chosen = 'text/plain';
  let best: [number, number] = [0, -1];
  for (const mediaType of ERROR_MEDIA_TYPES) {
    const [q, specificity] = score(ranges, mediaType);
    if (q > best[0] || (q === best[0] && q > 0 && specificity > best[1])) {
      best = [q, specificity];
      chosen = mediaType;
    }
  }
  // Accept headers repeat (each browser sends one of a few); a bounded cache spares the parse.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(accept, chosen);
  return chosen;
}
