/**
 * The request's `Content-Type`, read as RFC 9110 defines it: a media type
 * (`type/subtype`, case-insensitive) and parameters (`charset`, `boundary`), so that
 * a body parser matches by media type and not by a string prefix
 * (`application/jsonp` is not JSON; `Application/JSON; charset="utf-8"` is).
 *
 * @example
 * parseMediaType('text/plain; Charset="ISO-8859-1"');
 * // { type: 'text/plain', params: { charset: 'ISO-8859-1' } }
 * matchesMediaType('application/ld+json', ['application/json', '*\/*+json']); // true
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.3.1 (media type)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.6 (parameters)
 * @module
 */

export interface MediaType {
  /** `type/subtype`, lower-cased; `''` when the header is absent or unreadable. */
  type: string;
  /** Parameter names lower-cased, values unquoted (case kept). */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Parses a Content-Type value; a missing or malformed one gives `type: ''`. */
export function parseMediaType(value: string | undefined): MediaType {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!value) return { type: '', params };
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  const slash = type.indexOf('/');
  if (slash <= 0 || !TOKEN.test(type.slice(0, slash)) || !TOKEN.test(type.slice(slash + 1))) return { type: '', params };
  if (semi !== -1) readParams(value, semi + 1, params);
  return { type, params };
}

/** Recent Content-Type values and their parses: most requests send one of a few. */
const recent = new Map<string, Readonly<MediaType>>();
/** Values are the client's: the cache starts over when full, so no client can grow it. */
const RECENT_MAX = 64;

/**
 * `parseMediaType` for the request view: the same answer, frozen and shared by every
 * request that sends the same value, so the common Content-Types are parsed once per
 * process rather than once per request.
 */
export function mediaTypeOf(value: string | undefined): Readonly<MediaType> {
  if (!value) return NO_MEDIA_TYPE;
  let media = recent.get(value);
  if (media === undefined) {
    const parsed = parseMediaType(value);
    media = Object.freeze({ type: parsed.type, params: Object.freeze(parsed.params) });
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(value, media);
  }
  return media;
}

const NO_MEDIA_TYPE: Readonly<MediaType> = Object.freeze({ type: '', params: Object.freeze(Object.create(null) as Record<string, string>) });

/** Reads `; name=value` pairs from `at`, quoted-strings unescaped; stops at the first malformed one. */
function readParams(value: string, at: number, params: Record<string, string>): void {
  let i = at;
  while (i < value.length) {
    while (value[i] === ' ' || value[i] === '\t' || value[i] === ';') i++;
    const eq = value.indexOf('=', i);
    if (eq === -1) return;
    const name = value.slice(i, eq).trim().toLowerCase();
    if (!TOKEN.test(name)) return;
    i = eq + 1;
    let text = '';
    if (value[i] === '"') {
      for (i++; i < value.length && value[i] !== '"'; i++) {
        if (value[i] === '\\' && i + 1 < value.length) i++;
        text += value[i];
      }
      i++; // past the closing quote
      const next = value.indexOf(';', i);
      i = next === -1 ? value.length : next;
    } else {
      const next = value.indexOf(';', i);
      const end = next === -1 ? value.length : next;
      text = value.slice(i, end).trim();
      i = end;
    }
    // The first occurrence wins, as for a repeated header field.
    if (!(name in params)) params[name] = text;
  }
}

/**
 * Whether `type` (already lower-cased) matches one of `patterns`: exact
 * (`application/json`), a whole type (`text/*`), any (`*\/*`) or a structured syntax
 * suffix (`*\/*+json`, `application/*+json`).
 */
export function matchesMediaType(type: string, patterns: readonly string[]): boolean {
  if (type === '') return false;
  const slash = type.indexOf('/');
  const major = type.slice(0, slash);
  const minor = type.slice(slash + 1);
  for (const pattern of patterns) {
    const p = pattern.toLowerCase();
    if (p === type || p === '*/*') return true;
    const pSlash = p.indexOf('/');
    const pMajor = p.slice(0, pSlash);
    const pMinor = p.slice(pSlash + 1);
    if (pMajor !== '*' && pMajor !== major) continue;
    if (pMinor === '*') return true;
    // `*+json`: any subtype with that structured syntax suffix (RFC 6838 section 4.2.8).
    if (pMinor.startsWith('*+') && minor.endsWith(pMinor.slice(1)) && minor.length > pMinor.length - 1) return true;
  }
  return false;
}
