import type { Environ } from '@tsgi/core';
import fc from 'fast-check';
import { quotePath, requestPath, requestTarget } from './request-target.js';

function environ(extra: Partial<Environ>): Environ {
  return { SCRIPT_NAME: '', PATH_INFO: '/', QUERY_STRING: '', ...extra } as Environ;
}

describe('quotePath', () => {
  it('returns a path of pchars unchanged', () => {
    const path = "/a/b-c_d.e~f/!$&'()*+,;=:@";
    expect(quotePath(path)).toBe(path);
  });

  it('quotes spaces, percent, quotes, controls and latin-1 bytes as %XX', () => {
    expect(quotePath('/a b%"\r\n')).toBe('/a%20b%25%22%0D%0A');
    expect(quotePath('/caf\xc3\xa9')).toBe('/caf%C3%A9');
    expect(quotePath('/?#[]')).toBe('/%3F%23%5B%5D');
  });

  it('quotes a real Unicode path (set by a layer) as UTF-8', () => {
    expect(quotePath('/\u2028')).toBe('/%E2%80%A8');
    expect(quotePath('/😀')).toBe('/%F0%9F%98%80');
  });

  it('property: quoting is undone by decoding the bytes as latin-1', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)) }), (path) => {
        const quoted = quotePath(path);
        expect(quoted).toMatch(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/);
        const bytes = quoted.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
        expect(bytes).toBe(path);
      }),
      { numRuns: 300 },
    );
  });
});

describe('requestPath and requestTarget', () => {
  it('joins SCRIPT_NAME and PATH_INFO and adds the query', () => {
    const env = environ({ SCRIPT_NAME: '/app', PATH_INFO: '/a b', QUERY_STRING: 'x=1&y=%20' });
    expect(requestPath(env)).toBe('/app/a%20b');
    expect(requestTarget(env)).toBe('/app/a%20b?x=1&y=%20');
  });

  it('gives / for an empty path and no ? without a query', () => {
    expect(requestTarget(environ({ PATH_INFO: '' }))).toBe('/');
  });

  it('prefers the raw target the gateway kept (REQUEST_URI, RAW_URI)', () => {
    expect(requestTarget(environ({ PATH_INFO: '/a b', REQUEST_URI: '/a%20b?q' }))).toBe('/a%20b?q');
    expect(requestTarget(environ({ PATH_INFO: '/x', RAW_URI: '/%78' }))).toBe('/%78');
    expect(requestTarget(environ({ PATH_INFO: '/x', RAW_URI: '/%78', REQUEST_URI: '/x' }))).toBe('/x');
    expect(requestTarget(environ({ PATH_INFO: '/x', REQUEST_URI: 42 as unknown as string }))).toBe('/x');
  });
});
