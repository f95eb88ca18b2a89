import fc from 'fast-check';
import { Deadlines } from './deadlines.js';

afterEach(() => jest.useRealTimers());

test('a deadline expires ms after it was added, not before; a cleared one never does', () => {
  jest.useFakeTimers();
  const deadlines = new Deadlines(100);
  const expired: string[] = [];
  const a = deadlines.add(() => expired.push('a'));
  jest.advanceTimersByTime(40);
  const b = deadlines.add(() => expired.push('b'));
  deadlines.add(() => expired.push('c'));
  expect(deadlines.clear(b)).toBe(true);
  jest.advanceTimersByTime(59);
  expect(expired).toEqual([]);
  jest.advanceTimersByTime(1);
  expect(expired).toEqual(['a']);
  expect(deadlines.clear(a)).toBe(false); // too late: the call has failed
  jest.advanceTimersByTime(39);
  expect(expired).toEqual(['a']);
  jest.advanceTimersByTime(1);
  expect(expired).toEqual(['a', 'c']);
  expect(jest.getTimerCount()).toBe(0); // nothing left: no timer
});

test('one timer for any number of calls in flight', () => {
  jest.useFakeTimers();
  const deadlines = new Deadlines(1000);
  const calls = Array.from({ length: 500 }, () => deadlines.add(() => undefined));
  expect(jest.getTimerCount()).toBe(1);
  for (const call of calls) deadlines.clear(call);
  expect(jest.getTimerCount()).toBe(1); // it fires once, finds nothing due, and stops
  jest.advanceTimersByTime(1000);
  expect(jest.getTimerCount()).toBe(0);
});

test('property: whatever is added and cleared when, each deadline expires exactly when due, once, unless cleared before', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ wait: fc.integer({ min: 0, max: 60 }), clearAfter: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }) }), { maxLength: 30 }),
      (steps) => {
        jest.useFakeTimers();
        try {
          const ms = 50;
          const zero = performance.now();
          const deadlines = new Deadlines(ms);
          const started: number[] = [];
          const expiredAt = new Map<number, number[]>();
          const clears: Array<{ at: number; index: number }> = [];
          const handles: ReturnType<Deadlines['add']>[] = [];
          let now = 0;
          const advanceTo = (t: number): void => {
            // Clears due before t, in time order, between timer steps.
            clears.sort((x, y) => x.at - y.at);
            while (clears.length > 0 && clears[0]!.at <= t) {
              const { at, index } = clears.shift()!;
              jest.advanceTimersByTime(at - now);
              now = at;
              deadlines.clear(handles[index]!);
            }
            jest.advanceTimersByTime(t - now);
            now = t;
          };
          steps.forEach((step, index) => {
            advanceTo(now + step.wait);
            started.push(now);
            handles.push(deadlines.add(() => expiredAt.set(index, [...(expiredAt.get(index) ?? []), performance.now() - zero])));
            if (step.clearAfter !== undefined) clears.push({ at: now + step.clearAfter, index });
          });
          advanceTo(now + 200);
          steps.forEach((step, index) => {
            const cleared = step.clearAfter !== undefined && step.clearAfter < ms;
            if (cleared) expect(expiredAt.get(index)).toBeUndefined();
            else expect(expiredAt.get(index)).toEqual([started[index]! + ms]);
          });
          expect(jest.getTimerCount()).toBe(0);
        } finally {
          jest.useRealTimers();
        }
      },
    ),
    { numRuns: 200 },
  );
});
