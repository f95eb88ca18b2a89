import { policyField, retryAfter, sfString, type RateLimitInfo } from './headers.js';

const info = (overrides: Partial<RateLimitInfo>): RateLimitInfo => ({
  name: 'default', limit: 10, window: 1000, key: 'k', cost: 1, now: 5000, allowed: false, remaining: 0, resetAt: 5000, retryAt: 5000, ...overrides,
});

test('a policy name is an sf-string: quoted, with " and \\ escaped', () => {
  expect(sfString('per-user')).toBe('"per-user"');
  expect(sfString('a"b\\c')).toBe('"a\\"b\\\\c"');
});

test('the window is whole seconds, rounded up: the draft has no sub-second windows', () => {
  expect(policyField('default', 100, 60_000)).toBe('"default";q=100;w=60');
  expect(policyField('burst', 5, 500)).toBe('"burst";q=5;w=1');
  expect(policyField('x', 5, 1001)).toBe('"x";q=5;w=2');
});

test('Retry-After is whole seconds rounded up, at least 1; none when no wait helps', () => {
  expect(retryAfter(info({ retryAt: 5001 }))).toBe(1);
  expect(retryAfter(info({ retryAt: 7000 }))).toBe(2);
  expect(retryAfter(info({ retryAt: 7001 }))).toBe(3);
  expect(retryAfter(info({ retryAt: Infinity }))).toBeUndefined();
});
