import fc from 'fast-check';
import { httpDate, parseETags, parseHttpDate, statETag, strongMatch, weakMatch } from './validators.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const time = (d: Date): string => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

/** RFC 850 (obsolete): `Sunday, 06-Nov-94 08:49:37 GMT`. */
function rfc850(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${pad(d.getUTCFullYear() % 100)} ${time(d)} GMT`;
}

/** asctime (obsolete): `Sun Nov  6 08:49:37 1994`. */
function asctime(d: Date): string {
  return `${DAYS[d.getUTCDay()]!.slice(0, 3)} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${time(d)} ${pad(d.getUTCFullYear(), 4)}`;
}

const toSecond = (d: Date): number => Math.floor(d.getTime() / 1000) * 1000;
/** Every instant an IMF-fixdate can name: years 0000 to 9999. */
const anyDate = fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });

// The grammar of RFC 9110 5.6.7, transcribed as it is written: the oracle the parser is checked against.
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = `(?:${MONTHS.join('|')})`;
const TOD = '\\d\\d:\\d\\d:\\d\\d';
const GRAMMAR = new RegExp(
  `^(?:${DAY}, \\d\\d ${MONTH} \\d{4} ${TOD} GMT|(?:${DAYS.join('|')}), \\d\\d-${MONTH}-\\d\\d ${TOD} GMT|${DAY} ${MONTH} (?:\\d\\d| \\d) ${TOD} \\d{4})$`,
);

describe('validators', () => {
  it('statETag is strong and changes with size and mtime', () => {
    expect(statETag(1024, 1732800000123.7)).toBe('"400-' + (1732800000123).toString(16) + '"');
    expect(statETag(1024, 1)).not.toBe(statETag(1025, 1));
    expect(statETag(1024, 1)).not.toBe(statETag(1024, 2));
  });

  it('HTTP dates round-trip at whole seconds; garbage is undefined', () => {
    const ms = Date.UTC(2026, 10, 29, 12, 0, 0);
    expect(httpDate(ms)).toBe('Sun, 29 Nov 2026 12:00:00 GMT');
    expect(parseHttpDate(httpDate(ms + 999))).toBe(ms);
    expect(parseHttpDate('not a date')).toBeUndefined();
    expect(parseHttpDate(undefined)).toBeUndefined();
  });
});

describe('parseHttpDate: the three forms of RFC 9110 5.6.7 and nothing else', () => {
  it('the RFC\'s own examples, one instant in three forms', () => {
    const ms = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(ms);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(ms);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(ms);
  });

  it('every Date formatted by toUTCString (IMF-fixdate) round-trips, years 0000 to 9999', () => {
    fc.assert(fc.property(anyDate, (d) => parseHttpDate(d.toUTCString()) === toSecond(d)));
  });

  it('every asctime date round-trips', () => {
    fc.assert(fc.property(anyDate, (d) => parseHttpDate(asctime(d)) === toSecond(d)));
  });

  it('an RFC 850 date round-trips within 50 years; its two-digit year is never more than 50 years ahead', () => {
    const year = new Date().getUTCFullYear();
    const near = fc.date({ min: new Date(Date.UTC(year - 45, 0, 1)), max: new Date(Date.UTC(year + 45, 0, 1)), noInvalidDate: true });
    fc.assert(fc.property(near, (d) => parseHttpDate(rfc850(d)) === toSecond(d)));
    fc.assert(
      fc.property(anyDate, (d) => {
        const parsed = parseHttpDate(rfc850(d));
        return parsed !== undefined && new Date(parsed).getUTCFullYear() <= year + 50 && new Date(parsed).getUTCFullYear() > year - 50;
      }),
    );
  });

  it('the day name is read for its syntax only (as Go\'s time.Parse does): a wrong one still parses', () => {
    expect(parseHttpDate('Mon, 06 Nov 1994 08:49:37 GMT')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it('surrounding spaces and tabs are not part of a field value (RFC 9110 5.5)', () => {
    expect(parseHttpDate(' \tSun, 06 Nov 1994 08:49:37 GMT\t ')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it.each([
    ['a bare number', '3000'],
    ['a one', '1'],
    ['an ISO date', '9999-12-31'],
    ['an ISO instant', '2026-11-29T12:00:00Z'],
    ['day 99', 'Tue, 99 Nov 2026 10:00:00 GMT'],
    ['day 00', 'Tue, 00 Nov 2026 10:00:00 GMT'],
    ['31 February', 'Tue, 31 Feb 2026 10:00:00 GMT'],
    ['29 February of a common year', 'Sun, 29 Feb 2026 10:00:00 GMT'],
    ['29 February 1900 (a century, not a leap year)', 'Thu, 29 Feb 1900 10:00:00 GMT'],
    ['31 April', 'Thu, 31 Apr 2026 10:00:00 GMT'],
    ['hour 24', 'Sun, 29 Nov 2026 24:00:00 GMT'],
    ['minute 60', 'Sun, 29 Nov 2026 12:60:00 GMT'],
    ['second 61', 'Sun, 29 Nov 2026 12:00:61 GMT'],
    ['lower case', 'sun, 29 nov 2026 12:00:00 gmt'],
    ['another zone', 'Sun, 29 Nov 2026 12:00:00 UTC'],
    ['an offset', 'Sun, 29 Nov 2026 12:00:00 +0000'],
    ['no zone', 'Sun, 29 Nov 2026 12:00:00'],
    ['no day name', '29 Nov 2026 12:00:00 GMT'],
    ['a one-digit day', 'Sun, 9 Nov 2026 12:00:00 GMT'],
    ['a two-digit year in IMF-fixdate', 'Sun, 29 Nov 26 12:00:00 GMT'],
    ['a five-digit year', 'Sun, 29 Nov 12026 12:00:00 GMT'],
    ['two spaces', 'Sun,  29 Nov 2026 12:00:00 GMT'],
    ['a short day name in RFC 850', 'Sun, 29-Nov-26 12:00:00 GMT'],
    ['a four-digit year in RFC 850', 'Sunday, 29-Nov-2026 12:00:00 GMT'],
    ['asctime without the space before a one-digit day', 'Sun Nov 9 12:00:00 2026'],
    ['asctime with a zone', 'Sun Nov 29 12:00:00 2026 GMT'],
    ['Date.prototype.toString', new Date(0).toString()],
    ['non-ASCII digits', 'Sun, ٢٩ Nov 2026 12:00:00 GMT'],
    ['an empty value', ''],
  ])('%s is not an HTTP-date: %j', (_what, value) => {
    expect(parseHttpDate(value)).toBeUndefined();
  });

  it('a field of a valid date out of range gives undefined', () => {
    const field = fc.oneof(
      fc.record({ at: fc.constant(5), width: fc.constant(2), value: fc.oneof(fc.constant(0), fc.integer({ min: 32, max: 99 })) }), // day
      fc.record({ at: fc.constant(17), width: fc.constant(2), value: fc.integer({ min: 24, max: 99 }) }), // hour
      fc.record({ at: fc.constant(20), width: fc.constant(2), value: fc.integer({ min: 60, max: 99 }) }), // minute
      fc.record({ at: fc.constant(23), width: fc.constant(2), value: fc.integer({ min: 61, max: 99 }) }), // second
    );
    fc.assert(
      fc.property(anyDate, field, (d, { at, width, value }) => {
        const s = d.toUTCString();
        return parseHttpDate(s.slice(0, at) + pad(value, width) + s.slice(at + width)) === undefined;
      }),
    );
  });

  it('Date.parse accepts these, parseHttpDate does not: ISO, toString, numbers', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -1e6, max: 1e13 }), (d, n) =>
        [d.toISOString(), d.toISOString().slice(0, 10), d.toString(), d.toDateString(), String(n)].every((s) => parseHttpDate(s) === undefined),
      ),
    );
  });

  it('random strings not in the grammar give undefined, those in it a time', () => {
    const dateLike = fc.string({ unit: fc.constantFrom(...'0123456789 ,:-GMTSunMonTueWedThuFriSatJanFebMarAprMayJunJulAugSepOctNovDecday'), maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), dateLike), (s) => {
        const parsed = parseHttpDate(s);
        return GRAMMAR.test(s.replace(/^[ \t]+|[ \t]+$/g, '')) ? parsed === undefined || Number.isInteger(parsed) : parsed === undefined;
      }),
      { numRuns: 2000 },
    );
  });

  it('parses entity-tag lists, commas inside tags included', () => {
    expect(parseETags('"a", W/"b,c" ,"d"')).toEqual(['"a"', 'W/"b,c"', '"d"']);
    expect(parseETags(' * ')).toBe('*');
    expect(parseETags('w/"lower"')).toEqual(['"lower"']); // W/ is case-sensitive
  });

  it.each([
    ['W/"1"', 'W/"1"', false, true],
    ['W/"1"', 'W/"2"', false, false],
    ['W/"1"', '"1"', false, true],
    ['"1"', '"1"', true, true],
  ])('%s vs %s: strong %s, weak %s (RFC 9110 8.8.3.2 table)', (a, b, strong, weak) => {
    expect(strongMatch(a, b)).toBe(strong);
    expect(weakMatch(a, b)).toBe(weak);
  });
});
