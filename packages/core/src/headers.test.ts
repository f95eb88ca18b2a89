import fc from 'fast-check';
import {
  appendHeaders,
  appendHeaderToken,
  checkStatus,
  getHeader,
  getHeaders,
  headerNameIs,
  removeHeader,
  setHeader,
  statusCode,
  statusLine,
  type ResponseHeaders,
} from '@tsgi/core';
import { checkHeader } from './headers.js';

test('headerNameIs: a name in any case against a lower-case name', () => {
  expect(headerNameIs('Content-Length', 'content-length')).toBe(true);
  expect(headerNameIs('content-length', 'content-length')).toBe(true);
  expect(headerNameIs('CONTENT-LENGTH', 'content-length')).toBe(true);
  expect(headerNameIs('Content-Lengths', 'content-length')).toBe(false);
  expect(headerNameIs('Content-Type', 'content-length')).toBe(false);
  expect(headerNameIs('Date', 'vary')).toBe(false);
  // Token characters outside the letters, whose 0x20 bit differs from their neighbours'.
  expect(headerNameIs('_X', '_x')).toBe(true);
  expect(headerNameIs('^X', '^x')).toBe(true);
  expect(headerNameIs('~X', '^x')).toBe(false);
  expect(headerNameIs('', '')).toBe(true);
});

test('headerNameIs agrees with comparing lower-case copies, for any token names', () => {
  const tchar = fc.constantFrom(..."!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split(''));
  const name = fc.array(tchar, { minLength: 1, maxLength: 6 }).map((c) => c.join(''));
  fc.assert(
    fc.property(name, name, (a, b) => {
      const lower = b.toLowerCase();
      expect(headerNameIs(a, lower)).toBe(a.toLowerCase() === lower);
      expect(headerNameIs(lower.toUpperCase(), lower)).toBe(true);
    }),
    { numRuns: 2000 },
  );
});

test('header look-ups ignore case and keep repeats', () => {
  const headers: ResponseHeaders = [
    ['Content-Type', 'text/plain'],
    ['Set-Cookie', 'a=1'],
    ['set-cookie', 'b=2'],
  ];
  expect(getHeader(headers, 'content-type')).toBe('text/plain');
  expect(getHeader(headers, 'X-Missing')).toBeUndefined();
  expect(getHeaders(headers, 'SET-COOKIE')).toEqual(['a=1', 'b=2']);
  expect(removeHeader(headers, 'Set-Cookie')).toBe(2);
  expect(headers).toEqual([['Content-Type', 'text/plain']]);
  setHeader(headers, 'content-type', 'application/json');
  expect(headers).toEqual([['content-type', 'application/json']]);
});

test('appendHeaderToken adds a token once', () => {
  const headers: ResponseHeaders = [['Vary', 'Cookie']];
  appendHeaderToken(headers, 'vary', 'Accept-Encoding');
  appendHeaderToken(headers, 'Vary', 'accept-encoding');
  expect(headers).toEqual([['Vary', 'Cookie, Accept-Encoding']]);
  const empty: ResponseHeaders = [];
  appendHeaderToken(empty, 'Vary', 'Accept-Encoding');
  expect(empty).toEqual([['Vary', 'Accept-Encoding']]);
});

test('checkStatus accepts "200 OK" and refuses the malformed', () => {
  expect(checkStatus('200 OK')).toBeUndefined();
  expect(checkStatus('599 Whatever you like')).toBeUndefined();
  for (const bad of ['200', '200OK', '20 OK', '2000 OK', '200 OK\r\nX: y', '200 \u0100', 200]) {
    expect(checkStatus(bad)).toMatch(/status must/);
  }
});

test('checkHeader refuses bad names, CR/LF, non-latin-1 and hop-by-hop', () => {
  expect(checkHeader(['X-Ok', 'value'])).toBeUndefined();
  expect(checkHeader(['Bad Name', 'v'])).toMatch(/not an RFC 9110 token/);
  expect(checkHeader(['X', 'a\r\nInjected: 1'])).toMatch(/CR, LF/);
  expect(checkHeader(['X', '\u2028'])).toMatch(/non-latin-1/);
  expect(checkHeader(['Connection', 'close'])).toMatch(/hop-by-hop/);
  expect(checkHeader(['Transfer-Encoding', 'chunked'])).toMatch(/hop-by-hop/);
  expect(checkHeader(['X'])).toMatch(/pair/);
  expect(checkHeader(['X', 1])).toMatch(/strings/);
});

test('any value with CR or LF is refused (property)', () => {
  fc.assert(
    fc.property(fc.string(), fc.constantFrom('\r', '\n'), fc.string(), (a, bad, b) => {
      expect(checkHeader(['X-Test', a + bad + b])).toBeDefined();
    }),
  );
});

test('statusLine and statusCode', () => {
  expect(statusLine(200)).toBe('200 OK');
  expect(statusLine(404)).toBe('404 Not Found');
  expect(statusLine(299)).toBe('299 Success');
  expect(() => statusLine(99)).toThrow(RangeError);
  expect(() => statusLine(600)).toThrow(RangeError);
  expect(statusCode('418 I am a teapot')).toBe(418);
  for (let code = 100; code < 600; code++) expect(checkStatus(statusLine(code))).toBeUndefined();
});

describe('appendHeaders', () => {
  test('a new list of the first then the second, neither edited (an app may reuse a constant list)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string())), fc.array(fc.tuple(fc.string(), fc.string())), (first, second) => {
        const before = JSON.stringify([first, second]);
        const out = appendHeaders(first, second);
        expect(out).toEqual([...first, ...second]);
        expect(out).not.toBe(first);
        expect(JSON.stringify([first, second])).toBe(before);
      }),
    );
  });
});
