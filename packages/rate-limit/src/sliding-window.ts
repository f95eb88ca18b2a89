/**
 * The sliding window counter (Cloudflare's, also nginx-style "sliding window"
 * limiters): two counters per key, the current fixed window's and the previous one's.
 * The count a request sees is `previous * (part of the previous window still inside
 * the sliding window) + current`; it passes when that plus its cost is at most
 * `limit`. Windows start at multiples of `window` ms since the epoch.
 *
 * What it promises: never more than `limit` units pass within one fixed window, and
 * the weighted count never exceeds `limit`. It assumes the previous window's requests
 * were spread evenly: a burst at the very end of a window still counts at full
 * weight only at the boundary, so over an arbitrary span of `window` ms up to
 * `2 * limit` can pass in the worst case. Refused requests are not counted.
 *
 * Counts are compared multiplied by `window`, so all arithmetic is on integers.
 *
 * @example
 * const state = freshWindow();
 * slidingWindowHit(state, 1, Date.now(), 100, 60_000); // { allowed: true, remaining: 99, ... }
 * @see https://blog.cloudflare.com/counting-things-a-lot-of-different-things/
 * @module
 */
import { floorDiv } from './integer.js';
import type { HitResult } from './store.js';

/** A key's counters: units in the window that starts at `start`, and in the one before. */
export interface WindowState {
  start: number;
  previous: number;
  current: number;
  /** The last answer's resetAt: when this state is as good as a fresh one. */
  resetAt: number;
}

export function freshWindow(): WindowState {
  return { start: 0, previous: 0, current: 0, resetAt: 0 };
}

/** Moves the counters to the fixed window `now` falls in; a clock that went back stays in the newer window. */
function roll(state: WindowState, now: number, window: number): void {
  const start = now - (now % window);
  if (start <= state.start) return;
  state.previous = start === state.start + window ? state.current : 0;
  state.current = 0;
  state.start = start;
}

/** When a request of `cost` (<= limit) passes at the earliest, for a refused one. */
function retryTime(state: WindowState, cost: number, limit: number, window: number): number {
  const { start, previous, current } = state;
  // Still in this window: once previous * (window - elapsed) fits in what current leaves.
  const budget = (limit - cost - current) * window;
  if (budget >= 0 && previous > 0) {
    const weight = floorDiv(budget, previous);
    if (weight >= 1) return start + window - weight;
  }
  // In the next window, where today's current is the previous count.
  const next = start + window;
  if (current === 0) return next;
  return next + Math.max(0, window - floorDiv((limit - cost) * window, current));
}

/** Counts `cost` units at `now` (integer ms); the counters change only when the request passes. */
export function slidingWindowHit(state: WindowState, cost: number, now: number, limit: number, window: number): HitResult {
  roll(state, now, window);
  const elapsed = Math.max(0, now - state.start);
  let used = state.previous * (window - elapsed) + state.current * window;
  const allowed = cost <= limit && used + cost * window <= limit * window;
  if (allowed) {
    state.current += cost;
    used += cost * window;
  }
  const resetAt = state.current > 0 ? state.start + 2 * window : state.previous > 0 ? state.start + window : now;
  state.resetAt = resetAt;
  return {
    allowed,
    remaining: Math.max(0, floorDiv(limit * window - used, window)),
    resetAt,
    retryAt: allowed ? now : cost > limit ? Infinity : retryTime(state, cost, limit, window),
  };
}
