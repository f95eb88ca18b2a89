/**
 * `Accept-Encoding` negotiation: which content coding, if any, a response may use.
 *
 * The client's weights decide first; the server's preference order only breaks ties,
 * as in most servers (Apache, nginx, expressjs/compression). `x-gzip` counts as
 * `gzip`, `*` stands for every coding not listed, and `identity` stays acceptable
 * unless `identity;q=0` (or `*;q=0` without an `identity` entry) rules it out.
 *
 * @example
 * negotiate('gzip;q=0.5, br', ['gzip', 'br']); // { coding: 'br', identity: true }
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.3 (Accept-Encoding)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.4.2 (quality values)
 * @module
 */

/** The outcome of negotiation for one `Accept-Encoding` value. */
export interface Negotiation {
  /** The coding to use, or `undefined` when no supported coding is acceptable (or identity is preferred). */
  readonly coding: string | undefined;
  /** Whether an unencoded response is acceptable; when it is not and `coding` is undefined, the answer is 406. */
  readonly identity: boolean;
}

// RFC 9110 qvalue: 0, 0.x up to three digits, or 1 with zeros.
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

const NO_HEADER: Negotiation = Object.freeze({ coding: undefined, identity: true });

/**
 * The weight of each coding in an `Accept-Encoding` value, names lower-cased. A
 * member with a malformed weight is ignored; a coding listed twice keeps its first weight.
 */
export function parseAcceptEncoding(value: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const member of value.split(',')) {
    const parts = member.split(';');
    const coding = parts[0]!.trim().toLowerCase();
    if (coding === '' || weights.has(coding)) continue;
    let q = 1;
    for (let i = 1; i < parts.length; i++) {
      const param = parts[i]!;
      const eq = param.indexOf('=');
      if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'q') continue;
      const raw = param.slice(eq + 1).trim();
      q = QVALUE.test(raw) ? Number(raw) : NaN;
      break;
    }
    if (!Number.isNaN(q)) weights.set(coding, q);
  }
  return weights;
}

/**
 * Picks a coding from `encodings` (server preference order) for `acceptEncoding`.
 * No header at all means "no preference": the response is sent as is, which is what
 * every client that can decode asks for explicitly anyway.
 */
export function negotiate(acceptEncoding: string | undefined, encodings: readonly string[]): Negotiation {
  if (acceptEncoding === undefined) return NO_HEADER;
  const weights = parseAcceptEncoding(acceptEncoding);
  const star = weights.get('*');
  let coding: string | undefined;
  let best = 0;
  for (const name of encodings) {
    const q = weights.get(name) ?? (name === 'gzip' ? weights.get('x-gzip') : undefined) ?? star ?? 0;
    if (q > best) {
      coding = name;
      best = q;
    }
  }
  const listedIdentity = weights.get('identity');
  // Only an explicit, strictly higher identity weight beats compression.
  if (listedIdentity !== undefined && listedIdentity > best) coding = undefined;
  return { coding, identity: (listedIdentity ?? star ?? 1) > 0 };
}

/**
 * `negotiate()` with a bounded cache: browsers send a handful of distinct
 * `Accept-Encoding` values, so per request this is one Map lookup.
 */
export class Negotiator {
  private readonly cache = new Map<string, Negotiation>();

  constructor(
    private readonly encodings: readonly string[],
    private readonly maxEntries = 128,
  ) {}

  negotiate(acceptEncoding: string | undefined): Negotiation {
    if (acceptEncoding === undefined) return NO_HEADER;
    let result = this.cache.get(acceptEncoding);
    if (result === undefined) {
      result = Object.freeze(negotiate(acceptEncoding, this.encodings));
      // A client sending endless distinct values only ever costs maxEntries entries.
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      this.cache.set(acceptEncoding, result);
    }
    return result;
  }
}
