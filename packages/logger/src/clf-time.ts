/**
 * Apache's `%t`: `[10/Oct/2000:13:55:36 -0700]`, the local time with its offset from
 * UTC. The offset is a parameter (minutes east of UTC, as `-date.getTimezoneOffset()`
 * gives) so that a test can pin the zone without touching `process.env.TZ`.
 *
 * The string only changes once a second, so the last one is cached: a busy server
 * formats it about once a second, not once a request.
 *
 * @example
 * clfTime(Date.UTC(2000, 9, 10, 20, 55, 36), -420) // '[10/Oct/2000:13:55:36 -0700]'
 * @see https://httpd.apache.org/docs/2.4/mod/mod_log_config.html#formats (%t)
 * @module
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** `±hhmm` for an offset in minutes east of UTC. */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return sign + pad2(Math.floor(abs / 60)) + pad2(abs % 60);
}

/** The local offset (minutes east of UTC) of the zone this process runs in, at `ms`. */
export function localOffset(ms: number): number {
  // `-0` for UTC would print as "-0000"; `|| 0` makes it "+0000" as Apache writes it.
  return -new Date(ms).getTimezoneOffset() || 0;
}

function format(second: number, offsetMinutes: number): string {
  // Shift by the offset and read the UTC fields: the wall-clock time in that zone.
  const d = new Date(second * 1000 + offsetMinutes * 60_000);
  return (
    '[' +
    pad2(d.getUTCDate()) +
    '/' +
    MONTHS[d.getUTCMonth()] +
    '/' +
    d.getUTCFullYear() +
    ':' +
    pad2(d.getUTCHours()) +
    ':' +
    pad2(d.getUTCMinutes()) +
    ':' +
    pad2(d.getUTCSeconds()) +
    ' ' +
    formatOffset(offsetMinutes) +
    ']'
  );
}

let cachedSecond = NaN;
let cachedOffset = NaN;
let cachedText = '';
// The local offset, recomputed when the second changes (DST moves it).
let localSecond = NaN;
let localMinutes = 0;

/**
 * `%t` for the epoch milliseconds `ms`, with `offsetMinutes` east of UTC, or the
 * local zone's offset at that time when omitted.
 */
export function clfTime(ms: number, offsetMinutes?: number): string {
  const second = Math.floor(ms / 1000);
  if (offsetMinutes === undefined) {
    if (second !== localSecond) {
      localSecond = second;
      localMinutes = localOffset(ms);
    }
    offsetMinutes = localMinutes;
  }
  if (second !== cachedSecond || offsetMinutes !== cachedOffset) {
    cachedText = format(second, offsetMinutes);
    cachedSecond = second;
    cachedOffset = offsetMinutes;
  }
  return cachedText;
}
