import type { ResponseHeaders } from '@tsgi/core';
import { alreadyEncoded, encodedHeaders, hasToken, withVary } from './response-headers.js';

describe('response headers', () => {
  it('encodedHeaders sets the coding, drops Content-Length, weakens ETag, adds Vary', () => {
    const headers: ResponseHeaders = [
      ['Content-Type', 'text/html'],
      ['Content-Length', '100'],
      ['ETag', '"abc"'],
      ['X-Other', 'kept'],
    ];
    const before = JSON.stringify(headers);
    expect(encodedHeaders(headers, 'br')).toEqual([
      ['Content-Type', 'text/html'],
      ['ETag', 'W/"abc"'],
      ['X-Other', 'kept'],
      ['Vary', 'Accept-Encoding'],
      ['Content-Encoding', 'br'],
    ]);
    expect(encodedHeaders(headers, 'gzip', 42)).toContainEqual(['Content-Length', '42']);
    expect(JSON.stringify(headers)).toBe(before);
  });

  it('adds Accept-Encoding to Vary once, and not under Vary: *', () => {
    expect(withVary([['Vary', 'Origin']])).toEqual([['Vary', 'Origin, Accept-Encoding']]);
    const listed: ResponseHeaders = [['vary', 'Origin, ACCEPT-ENCODING']];
    expect(withVary(listed)).toBe(listed);
    expect(encodedHeaders([['Vary', '*']], 'gzip')).toEqual([
      ['Vary', '*'],
      ['Content-Encoding', 'gzip'],
    ]);
    const pair: [string, string] = ['Vary', 'Origin'];
    withVary([pair]);
    expect(pair[1]).toBe('Origin');
  });

  it('sees no-transform and existing codings', () => {
    expect(hasToken('max-age=60, no-transform', 'no-transform')).toBe(true);
    expect(hasToken('max-age=60, No-Transform', 'no-transform')).toBe(true);
    expect(hasToken('no-transformer', 'no-transform')).toBe(false);
    expect(alreadyEncoded('gzip')).toBe(true);
    expect(alreadyEncoded('identity')).toBe(false);
    expect(alreadyEncoded(undefined)).toBe(false);
  });
});
