/**
 * GCRA, the generic cell rate algorithm (ITU-T I.371; what redis-cell and throttled
 * implement): one number per key, the theoretical arrival time (TAT) of the next
 * request if the client sent at exactly the allowed rate. With `limit` units per
 * `window` ms, each unit moves the TAT `window / limit` ms on, and a request passes
 * when the TAT it would leave is at most `window` ms ahead of now. That is a bucket of
 * `limit` units refilled one unit every `window / limit` ms: a client may spend its
 * whole quota at once, then gets units back one by one, and over any span of `d` ms
 * it never gets more than `limit + d * limit / window` units.
 *
 * A refused request changes nothing, so a client that keeps knocking is not pushed
 * further out. The TAT is kept exactly, as whole milliseconds plus a remainder in
 * 1/limit ms (`frac`), so no rounding ever lets one request too many through.
 *
 * @example
 * const state = freshGcra();
 * gcraHit(state, 1, Date.now(), 100, 60_000); // { allowed: true, remaining: 99, ... }
 * @see https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm
 * @see https://github.com/brandur/redis-cell
 * @module
 */
import { ceilDiv, floorDiv } from './integer.js';
import type { HitResult } from './store.js';

/** A key's GCRA state: the TAT is `tat + frac / limit` ms (0 <= frac < limit). */
export interface GcraState {
  tat: number;
  frac: number;
  /** The last answer's resetAt: when this state is as good as a fresh one. */
  resetAt: number;
}

export function freshGcra(): GcraState {
  return { tat: 0, frac: 0, resetAt: 0 };
}

/** Units a request could spend at `now` with the TAT at `tat + frac/limit`. */
function available(tat: number, frac: number, now: number, limit: number, window: number): number {
  if (tat < now || (tat === now && frac === 0)) return limit;
  const room = (now + window - tat) * limit - frac; // (now + window - TAT) in 1/limit ms
  return room <= 0 ? 0 : Math.min(limit, floorDiv(room, window));
}

/** Counts `cost` units at `now` (integer ms); `state` changes only when the request passes. */
export function gcraHit(state: GcraState, cost: number, now: number, limit: number, window: number): HitResult {
  let tat = state.tat;
  let frac = state.frac;
  // Time not used is not saved up past a full bucket: the schedule starts at now at the earliest.
  if (tat < now || (tat === now && frac === 0)) {
    tat = now;
    frac = 0;
  }
  let allowed = false;
  let retryAt = Infinity;
  if (cost <= limit) {
    const sum = frac + cost * window;
    const rest = sum % limit;
    const nextTat = tat + (sum - rest) / limit;
    const ahead = nextTat - now;
    allowed = ahead < window || (ahead === window && rest === 0);
    if (allowed) {
      tat = nextTat;
      frac = rest;
      state.tat = tat;
      state.frac = frac;
      retryAt = now;
    } else {
      // The TAT this request would leave, minus the window, rounded up to a whole ms.
      retryAt = tat - window + ceilDiv(sum, limit);
    }
  }
  const resetAt = tat < now || (tat === now && frac === 0) ? now : frac > 0 ? tat + 1 : tat;
  if (allowed) state.resetAt = resetAt;
  return { allowed, remaining: available(tat, frac, now, limit, window), resetAt, retryAt };
}
