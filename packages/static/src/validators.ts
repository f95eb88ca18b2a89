/**
 * Validators (RFC 9110 section 8.8): entity tags and HTTP dates, made, parsed and
 * compared. A file's tag is strong and made from its size and modification time, as
 * nginx and Apache do, so it needs no read of the file; the weak and strong
 * comparison functions are the RFC's, so a gzip variant's `W/"..."` still matches for
 * `If-None-Match` but never for `If-Match` or `If-Range`.
 *
 * @example
 * statETag(1024, 1732800000000); // '"400-1937a1f1400"'
 * weakMatch('W/"abc"', '"abc"'); // true
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3 (ETag)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3.2 (comparison)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7 (HTTP-date)
 * @module
 */

/** A strong entity tag for a file from its size and modification time (ms). */
export function statETag(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** An HTTP-date (IMF-fixdate) for a time in ms; HTTP dates carry whole seconds. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

const MONTH_NUMBERS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '([0-9]{2}):([0-9]{2}):([0-9]{2})';
// RFC 9110 5.6.7, each form exactly as its grammar writes it: case-sensitive names,
// fixed widths, single spaces, GMT. Captures: day, month, year, hour, minute, second.
/** IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = new RegExp(`^${DAY}, ([0-9]{2}) ${MONTH} ([0-9]{4}) ${TIME} GMT$`);
/** rfc850-date (obsolete): `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC850_DATE = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), ([0-9]{2})-${MONTH}-([0-9]{2}) ${TIME} GMT$`);
/** asctime-date (obsolete): `Sun Nov  6 08:49:37 1994`; captures month, day, time, year. */
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([0-9]{2}| [0-9]) ${TIME} ([0-9]{4})$`);
const OWS = /^[ \t]+|[ \t]+$/g;
// Date.UTC reads years 0-99 as 1900-1999; 400 Gregorian years are exactly 146097 days.
const FOUR_CENTURIES_MS = 146097 * 86_400_000;

/**
 * The time an HTTP-date names, in ms, or `undefined` when `value` is not one of the
 * three forms of RFC 9110 5.6.7 (IMF-fixdate, and the obsolete RFC 850 and asctime
 * forms) or names no real time (31 Feb, 24:00:00). Sections 13.1.3 and 13.1.4 say to
 * ignore an `If-Modified-Since`/`If-Unmodified-Since` that is not a valid HTTP-date;
 * `Date.parse` would read `3000` or `9999-12-31` as one. Surrounding spaces and tabs
 * are not part of a field value and are dropped. The day name is read for its syntax
 * only, as Go's time.Parse does; a leap second (`:60`) is the next second.
 */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.replace(OWS, '');
  let m = IMF_FIXDATE.exec(text);
  if (m !== null) return utc(+m[3]!, m[2]!, +m[1]!, m[4]!, m[5]!, m[6]!);
  m = RFC850_DATE.exec(text);
  if (m !== null) return utc(fullYear(+m[3]!), m[2]!, +m[1]!, m[4]!, m[5]!, m[6]!);
  m = ASCTIME_DATE.exec(text);
  if (m !== null) return utc(+m[6]!, m[1]!, +m[2]!, m[3]!, m[4]!, m[5]!);
  return undefined;
}

/**
 * The year of an RFC 850 date's two digits: RFC 9110 5.6.7 says one that "appears to
 * be more than 50 years in the future" is the most recent past year with those digits.
 */
function fullYear(twoDigits: number): number {
  const now = new Date().getUTCFullYear();
  const year = now - (now % 100) + twoDigits;
  return year > now + 50 ? year - 100 : year;
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The instant, or undefined when the fields name no real date or time of day. */
function utc(year: number, monthName: string, day: number, h: string, min: string, s: string): number | undefined {
  const month = MONTH_NUMBERS[monthName]!;
  const hour = +h;
  const minute = +min;
  const second = +s;
  const days = month === 1 && isLeap(year) ? 29 : MONTH_DAYS[month]!;
  if (day < 1 || day > days || hour > 23 || minute > 59 || second > 60) return undefined;
  if (year >= 100) return Date.UTC(year, month, day, hour, minute, second);
  return Date.UTC(year + 400, month, day, hour, minute, second) - FOUR_CENTURIES_MS;
}

/** A time floored to whole seconds, the precision of Last-Modified. */
export function toSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** True for `W/"..."`. */
export function isWeak(tag: string): boolean {
  return tag.charCodeAt(0) === 87 && tag.charCodeAt(1) === 47; // 'W/'
}

function opaque(tag: string): string {
  return isWeak(tag) ? tag.slice(2) : tag;
}

/** Strong comparison: both tags strong and the same characters. */
export function strongMatch(a: string, b: string): boolean {
  return !isWeak(a) && !isWeak(b) && a === b;
}

/** Weak comparison: the opaque tags are the same, weak or not. */
export function weakMatch(a: string, b: string): boolean {
  return opaque(a) === opaque(b);
}

/**
 * The entity tags of an `If-Match`/`If-None-Match` value, `'*'` for the wildcard.
 * A tag may hold commas, so this scans for quotes instead of splitting; anything
 * that is not a tag (a bare word some clients send) is skipped.
 */
export function parseETags(value: string): string[] | '*' {
  if (value.trim() === '*') return '*';
  const tags: string[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    const start = value.indexOf('"', i);
    if (start === -1) break;
    const end = value.indexOf('"', start + 1);
    if (end === -1) break;
    const weak = start >= 2 && value.charCodeAt(start - 1) === 47 && value.charCodeAt(start - 2) === 87;
    tags.push((weak ? 'W/' : '') + value.slice(start, end + 1));
    i = end + 1;
  }
  return tags;
}

/** Whether `header` (an If-*-Match value) lists `tag` under `compare`, or is `*`. */
export function listMatches(header: string, tag: string | undefined, compare: (a: string, b: string) => boolean): boolean {
  const tags = parseETags(header);
  if (tags === '*') return true;
  if (tag === undefined) return false;
  for (const candidate of tags) if (compare(candidate, tag)) return true;
  return false;
}
