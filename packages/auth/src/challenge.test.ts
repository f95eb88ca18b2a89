import fc from 'fast-check';
import { isValidHeaderValue } from '@tsgi/core';
import { basicChallenge, bearerChallenges, quoteParam } from './challenge.js';

/** RFC 9110 quoted-string back to its value: the reader a client would use. */
function unquote(quoted: string): string {
  expect(quoted.startsWith('"') && quoted.endsWith('"')).toBe(true);
  return quoted.slice(1, -1).replace(/\\(.)/g, '$1');
}

describe('challenges', () => {
  it('quotes the realm and escapes backslash and double quote', () => {
    expect(quoteParam('a "b" \\ c', 'realm')).toBe('"a \\"b\\" \\\\ c"');
    expect(basicChallenge('Admin "zone"')).toBe('Basic realm="Admin \\"zone\\"", charset="UTF-8"');
  });

  it('refuses CR, LF, controls and non-latin-1 realms with a TypeError naming the option', () => {
    expect(() => basicChallenge('a\r\nSet-Cookie: x=1', 'basicAuth: realm')).toThrow(/basicAuth: realm.*CR or LF/);
    expect(() => basicChallenge('a\nb')).toThrow(TypeError);
    expect(() => bearerChallenges('a\x00b', 'bearerAuth: realm')).toThrow(/bearerAuth: realm/);
    expect(() => bearerChallenges('✓')).toThrow(TypeError);
    expect(() => quoteParam(42, 'realm')).toThrow(/realm must be a string/);
  });

  it('builds the RFC 6750 Bearer challenges', () => {
    expect(bearerChallenges('api')).toEqual({
      missing: 'Bearer realm="api"',
      invalid_request: 'Bearer realm="api", error="invalid_request"',
      invalid_token: 'Bearer realm="api", error="invalid_token"',
    });
  });

  it('any acceptable realm quotes to a valid header value that unquotes to itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)) }), (realm) => {
        fc.pre(isValidHeaderValue(realm));
        const quoted = quoteParam(realm, 'realm');
        expect(isValidHeaderValue(quoted)).toBe(true);
        expect(unquote(quoted)).toBe(realm);
      }),
    );
  });
});
