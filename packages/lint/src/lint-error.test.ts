import { HOSTILE } from '../../core/test/hostile-values.js';
import { show } from './lint-error.js';

test.each(HOSTILE)('show() describes %s without throwing', (_name, make) => {
  const text = show(make());
  expect(typeof text).toBe('string');
  expect(text.length).toBeGreaterThan(0);
});

test('show() keeps its short shapes for ordinary values', () => {
  expect(show(new Uint8Array(3))).toBe('a Uint8Array of 3 bytes');
  expect(show([1, 2])).toBe('an array of length 2');
  expect(show('x'.repeat(100))).toMatch(/^"x{57}\.\.\."$/);
  expect(show(() => 1)).toBe('a function');
});
