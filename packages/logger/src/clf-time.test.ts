import fc from 'fast-check';
import { clfTime, formatOffset, localOffset } from './clf-time.js';

describe('clfTime (%t)', () => {
  it("writes Apache's documented example for a -0700 zone", () => {
    expect(clfTime(Date.UTC(2000, 9, 10, 20, 55, 36), -420)).toBe('[10/Oct/2000:13:55:36 -0700]');
  });

  it('pads, handles half-hour zones east of UTC and the date line', () => {
    expect(clfTime(Date.UTC(2024, 0, 1, 0, 5, 9, 999), 330)).toBe('[01/Jan/2024:05:35:09 +0530]');
    expect(clfTime(Date.UTC(2024, 0, 1, 0, 5, 9), 0)).toBe('[01/Jan/2024:00:05:09 +0000]');
    // West of UTC the local date is still the previous year.
    expect(clfTime(Date.UTC(2024, 0, 1, 0, 5, 9), -60)).toBe('[31/Dec/2023:23:05:09 -0100]');
  });

  it('gives a new string when the second or the offset changes, not a stale cached one', () => {
    const t = Date.UTC(2021, 5, 15, 12, 0, 0);
    expect(clfTime(t, 0)).toBe('[15/Jun/2021:12:00:00 +0000]');
    expect(clfTime(t + 999, 0)).toBe('[15/Jun/2021:12:00:00 +0000]');
    expect(clfTime(t + 1000, 0)).toBe('[15/Jun/2021:12:00:01 +0000]');
    expect(clfTime(t + 1000, 120)).toBe('[15/Jun/2021:14:00:01 +0200]');
  });

  it("uses this process's zone when no offset is given", () => {
    const t = Date.UTC(2019, 2, 3, 4, 5, 6);
    expect(clfTime(t)).toBe(clfTime(t, localOffset(t)));
    expect(localOffset(t)).toBe(-new Date(t).getTimezoneOffset() || 0);
  });

  it('formatOffset writes ±hhmm', () => {
    expect(formatOffset(0)).toBe('+0000');
    expect(formatOffset(-420)).toBe('-0700');
    expect(formatOffset(345)).toBe('+0545');
    expect(formatOffset(-570)).toBe('-0930');
  });

  it('property: matches a reference built from Date fields for any time and offset', () => {
    const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
    const two = (n: number): string => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.integer({ min: -720, max: 840 }),
        (ms, offset) => {
          const d = new Date(ms + offset * 60_000);
          const sign = offset < 0 ? '-' : '+';
          const expected =
            `[${two(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
            `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ` +
            `${sign}${two(Math.floor(Math.abs(offset) / 60))}${two(Math.abs(offset) % 60)}]`;
          expect(clfTime(ms, offset)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
