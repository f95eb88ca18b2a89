import fc from 'fast-check';
import { normalizeOrigin, type Environ } from '@tsgi/core';
import { compileOrigins } from './origin.js';

const environ = {} as Environ;

describe('compileOrigins refuses what would match too much', () => {
  test.each([
    [/example\.com/, /must be anchored/],
    [/^https:\/\/example\.com/, /must be anchored/],
    [/^https:\/\/a\.example\.com|https:\/\/b\.example\.com$/, /\| outside any group/],
    [/^https:\/\/a\.example\.com\$/, /must be anchored/],
  ])('%s', (pattern, message) => {
    expect(() => compileOrigins([pattern], 'cors: origin')).toThrow(message);
  });

  test("'*' inside a list, an empty list and other types", () => {
    expect(() => compileOrigins(['*'] as never, 'cors: origin')).toThrow(/'\*' must be the whole option/);
    expect(() => compileOrigins([], 'cors: origin')).toThrow(/the list is empty/);
    expect(() => compileOrigins([42] as never, 'cors: origin')).toThrow(/got number 42/);
  });

  test('a grouped alternation is anchored, and a /g pattern does not alternate between calls', () => {
    const rule = compileOrigins([/^https:\/\/(?:a|b)\.example\.com$/g], 'cors: origin');
    for (let i = 0; i < 4; i++) expect(rule.test('https://a.example.com', environ)).toBe(true);
    expect(rule.test('https://a.example.com.evil.com', environ)).toBe(false);
  });
});

describe('exact matching, as properties', () => {
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
  // The last label starts with a letter: all-digit ones make an IPv4 address (`http://0` is `http://0.0.0.0`).
  const tld = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
  const host = fc.tuple(fc.array(label, { maxLength: 3 }), tld).map(([labels, last]) => [...labels, last].join('.'));
  const scheme = fc.constantFrom('http', 'https');
  const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
  const origin = fc.tuple(scheme, host, port).map(([s, h, p]) => normalizeOrigin(`${s}://${h}${p === undefined ? '' : `:${p}`}`, 'test'));

  test('a random origin matches a one-origin list only when it is that origin', () => {
    fc.assert(
      fc.property(origin, origin, (allowed, asked) => {
        const rule = compileOrigins([allowed], 'test');
        expect(rule.test(asked, environ)).toBe(asked === allowed);
      }),
    );
  });

  test('look-alikes built from an allowed origin never match it', () => {
    fc.assert(
      fc.property(scheme, host, label, (s, h, extra) => {
        const allowed = `${s}://${h}`;
        const rule = compileOrigins([allowed], 'test');
        const other = s === 'https' ? 'http' : 'https';
        const lookalikes = [
          `${s}://${h}.${extra}.com`,
          `${s}://${extra}-${h}`,
          `${s}://${extra}${h}`,
          `${s}://${extra}.${h}`,
          `${other}://${h}`,
          `${s}://${h}:8443`,
          `${allowed}/`,
          `${allowed}, ${allowed}`,
          ` ${allowed}`,
          allowed.toUpperCase() === allowed ? `${allowed}.` : allowed.toUpperCase(),
          'null',
        ];
        for (const asked of lookalikes) expect([asked, rule.test(asked, environ)]).toEqual([asked, false]);
        expect(rule.test(allowed, environ)).toBe(true);
      }),
    );
  });

  test('an anchored subdomain pattern never matches a host that merely contains the domain', () => {
    const rule = compileOrigins([/^https:\/\/([a-z0-9-]+\.)*example\.com$/], 'test');
    fc.assert(
      fc.property(host, (h) => {
        const asked = `https://${h}`;
        const expected = h === 'example.com' || h.endsWith('.example.com');
        expect(rule.test(asked, environ)).toBe(expected);
        expect(rule.test(`https://${h}.example.com.evil.com`, environ)).toBe(false);
        expect(rule.test(`https://evil-example.com`, environ)).toBe(false);
      }),
    );
  });
});
