import { httpDate, parseETags, parseHttpDate, statETag, strongMatch, weakMatch } from './validators.js';

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
