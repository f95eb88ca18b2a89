import fc from 'fast-check';
import { median, rotate, spread } from './stats.js';

test('median of odd and even counts', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([])).toBeNaN();
});

test('median lies between min and max; spread is 0 for equal rounds', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 20 }), (values) => {
      const m = median(values);
      expect(m).toBeGreaterThanOrEqual(Math.min(...values));
      expect(m).toBeLessThanOrEqual(Math.max(...values));
    }),
  );
  expect(spread([5, 5, 5])).toBe(0);
  expect(spread([90, 100, 110])).toBeCloseTo(0.2);
});

test('rotate keeps every element and starts at index `by`', () => {
  expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
  expect(rotate(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
  expect(rotate([], 2)).toEqual([]);
});
