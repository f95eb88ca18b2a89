/**
 * Both algorithms against what they promise, over random request sequences
 * (fast-check): each is compared with an independent reference (GCRA with exact
 * BigInt rationals; the sliding window recounted from the history of admitted
 * requests), and the promises of HitResult are checked one by one: `remaining` is
 * exactly what still passes, `retryAt` is the first millisecond the refused request
 * passes, `resetAt` gives the whole quota back, and the admitted units never exceed
 * what the algorithm allows within any window.
 */
import fc from 'fast-check';
import { freshGcra, gcraHit, type GcraState } from './gcra.js';
import { freshWindow, slidingWindowHit, type WindowState } from './sliding-window.js';
import type { HitResult } from './store.js';

interface Step {
  /** Milliseconds since the previous request. */
  gap: number;
  cost: number;
}

/** A policy and a request sequence; windows small enough to search them ms by ms. */
const scenario = fc
  .record({ limit: fc.integer({ min: 1, max: 12 }), window: fc.integer({ min: 1, max: 240 }) })
  .chain(({ limit, window }) =>
    fc.record({
      limit: fc.constant(limit),
      window: fc.constant(window),
      start: fc.integer({ min: 0, max: 10 * window }),
      steps: fc.array(
        fc.record({ gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 * window })), cost: fc.integer({ min: 0, max: limit + 1 }) }),
        { minLength: 1, maxLength: 40 },
      ),
    }),
  );

interface Admitted {
  at: number;
  cost: number;
}

/** GCRA with the TAT as an exact rational (units of 1/limit ms). */
function gcraReference(limit: number, window: number): (cost: number, now: number) => HitResult {
  const L = BigInt(limit);
  const W = BigInt(window);
  let tat = 0n;
  const ceil = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;
  return (cost, now) => {
    const n = BigInt(now) * L;
    if (tat < n) tat = n;
    let allowed = false;
    let retryAt = Infinity;
    if (cost <= limit) {
      const next = tat + BigInt(cost) * W;
      allowed = next - n <= W * L;
      if (allowed) tat = next;
      retryAt = allowed ? now : Number(ceil(next - W * L, L));
    }
    const full = tat <= n;
    const room = n + W * L - tat;
    const remaining = full ? limit : room <= 0n ? 0 : Math.min(limit, Number(room / W));
    return { allowed, remaining, resetAt: full ? now : Number(ceil(tat, L)), retryAt };
  };
}

/** The sliding window recounted from the admitted history: does `cost` pass at `now`? */
function windowPasses(history: Admitted[], cost: number, now: number, limit: number, window: number): boolean {
  const start = now - (now % window);
  let previous = 0;
  let current = 0;
  for (const { at, cost: c } of history) {
    if (at >= start && at <= now) current += c;
    else if (at >= start - window && at < start) previous += c;
  }
  return cost <= limit && previous * (window - (now - start)) + (current + cost) * window <= limit * window;
}

interface Algorithm<S> {
  name: string;
  fresh(): S;
  hit(state: S, cost: number, now: number, limit: number, window: number): HitResult;
  copy(state: S): S;
}

const ALGORITHMS: [Algorithm<GcraState>, Algorithm<WindowState>] = [
  { name: 'gcra', fresh: freshGcra, hit: gcraHit, copy: (s) => ({ ...s }) },
  { name: 'sliding-window', fresh: freshWindow, hit: slidingWindowHit, copy: (s) => ({ ...s }) },
];

/** Runs a scenario, calling `check` after each hit with the state before and after it. */
function run<S>(
  algorithm: Algorithm<S>,
  { limit, window, start, steps }: { limit: number; window: number; start: number; steps: Step[] },
  check: (step: { before: S; after: S; now: number; cost: number; result: HitResult; admitted: Admitted[] }) => void,
): Admitted[] {
  const state = algorithm.fresh();
  const admitted: Admitted[] = [];
  let now = start;
  for (const { gap, cost } of steps) {
    now += gap;
    const before = algorithm.copy(state);
    const result = algorithm.hit(state, cost, now, limit, window);
    if (result.allowed) admitted.push({ at: now, cost });
    check({ before, after: state, now, cost, result, admitted });
  }
  return admitted;
}

test('gcra answers exactly as GCRA with exact rationals', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const reference = gcraReference(s.limit, s.window);
      run(ALGORITHMS[0], s, ({ now, cost, result }) => expect(result).toEqual(reference(cost, now)));
    }),
    { numRuns: 400 },
  );
});

test('sliding-window admits exactly what the history of admitted requests allows', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const history: Admitted[] = [];
      run(ALGORITHMS[1], s, ({ now, cost, result }) => {
        expect(result.allowed).toBe(windowPasses(history, cost, now, s.limit, s.window));
        if (result.allowed) history.push({ at: now, cost });
      });
    }),
    { numRuns: 400 },
  );
});

test('gcra: over any span of d ms at most limit + d * limit / window units pass', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const admitted = run(ALGORITHMS[0], s, () => undefined);
      for (let i = 0; i < admitted.length; i++) {
        let units = 0;
        for (let j = i; j < admitted.length; j++) {
          units += admitted[j]!.cost;
          const span = admitted[j]!.at - admitted[i]!.at;
          expect(units * s.window).toBeLessThanOrEqual(s.limit * s.window + span * s.limit);
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('sliding-window: never more than limit units within one fixed window', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const perWindow = new Map<number, number>();
      for (const { at, cost } of run(ALGORITHMS[1], s, () => undefined)) {
        const index = Math.floor(at / s.window);
        perWindow.set(index, (perWindow.get(index) ?? 0) + cost);
      }
      for (const units of perWindow.values()) expect(units).toBeLessThanOrEqual(s.limit);
    }),
    { numRuns: 300 },
  );
});

describe.each(ALGORITHMS.map((a) => [a.name, a] as const))('%s', (_name, algorithm) => {
  const alg = algorithm as Algorithm<unknown>;

  test('a refused request passes at retryAt and not a millisecond before', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        run(alg, s, ({ after, now, cost, result }) => {
          if (result.allowed) return expect(result.retryAt).toBe(now);
          if (cost > s.limit) return expect(result.retryAt).toBe(Infinity);
          expect(result.retryAt).toBeGreaterThan(now);
          expect(alg.hit(alg.copy(after), cost, result.retryAt, s.limit, s.window).allowed).toBe(true);
          expect(alg.hit(alg.copy(after), cost, result.retryAt - 1, s.limit, s.window).allowed).toBe(false);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('remaining units pass at once, one more does not', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        run(alg, s, ({ after, now, result }) => {
          expect(result.remaining).toBeGreaterThanOrEqual(0);
          expect(result.remaining).toBeLessThanOrEqual(s.limit);
          expect(alg.hit(alg.copy(after), result.remaining, now, s.limit, s.window).allowed).toBe(true);
          if (result.remaining < s.limit) expect(alg.hit(alg.copy(after), result.remaining + 1, now, s.limit, s.window).allowed).toBe(false);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('at resetAt the whole quota is back', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        run(alg, s, ({ after, now, result }) => {
          expect(result.resetAt).toBeGreaterThanOrEqual(now);
          const later = alg.hit(alg.copy(after), s.limit, result.resetAt, s.limit, s.window);
          expect(later).toMatchObject({ allowed: true, remaining: 0 });
        });
      }),
      { numRuns: 300 },
    );
  });

  test('a refused request changes nothing', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        run(alg, s, ({ before, after, now, result }) => {
          if (result.allowed) return;
          if (algorithm.name === 'gcra') return expect(after).toEqual(before);
          // Moving on to the current window is not counting: compare with a zero-cost hit.
          const rolled = alg.copy(before);
          alg.hit(rolled, 0, now, s.limit, s.window);
          expect(after).toEqual(rolled);
        });
      }),
      { numRuns: 200 },
    );
  });
});

test('100 per minute: 100 pass at once, the 101st waits 600 ms (gcra) or for the window to turn (sliding-window)', () => {
  const t0 = 1_700_000_000_000;
  const gcra = freshGcra();
  const window = freshWindow();
  for (let i = 0; i < 100; i++) {
    expect(gcraHit(gcra, 1, t0, 100, 60_000).allowed).toBe(true);
    expect(slidingWindowHit(window, 1, t0, 100, 60_000).allowed).toBe(true);
  }
  expect(gcraHit(gcra, 1, t0, 100, 60_000)).toEqual({ allowed: false, remaining: 0, resetAt: t0 + 60_000, retryAt: t0 + 600 });
  const refused = slidingWindowHit(window, 1, t0, 100, 60_000);
  const windowStart = t0 - (t0 % 60_000);
  expect(refused).toEqual({ allowed: false, remaining: 0, resetAt: windowStart + 120_000, retryAt: windowStart + 60_000 + 600 });
});
