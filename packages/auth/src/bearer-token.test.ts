import fc from 'fast-check';
import { findBearerToken, isB64Token } from './bearer-token.js';

const reason = (result: ReturnType<typeof findBearerToken>) => (typeof result === 'string' ? result : result.reason);

describe('findBearerToken', () => {
  it('takes the token from the header, any case of the scheme', () => {
    expect(findBearerToken('Bearer mF_9.B5f-4.1JqM', '', false)).toBe('mF_9.B5f-4.1JqM');
    expect(findBearerToken('bearer abc+/==', '', false)).toBe('abc+/==');
  });

  it('tells a missing token from another scheme', () => {
    expect(reason(findBearerToken(undefined, '', false))).toBe('missing_credentials');
    expect(reason(findBearerToken('', '', false))).toBe('missing_credentials');
    expect(reason(findBearerToken('Basic YTpi', '', false))).toBe('unsupported_scheme');
  });

  it('refuses a malformed header as malformed_token', () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a,b', 'Bearer =abc', 'Bearer a=b', 'Bearer ✓']) {
      expect(reason(findBearerToken(header, '', false))).toBe('malformed_token');
    }
  });

  it('ignores access_token in the query unless allowed', () => {
    expect(reason(findBearerToken(undefined, 'access_token=abc', false))).toBe('missing_credentials');
    expect(findBearerToken(undefined, 'x=1&access_token=abc', true)).toBe('abc');
    expect(findBearerToken(undefined, 'access_token=a%2Bb%3D', true)).toBe('a+b=');
    expect(reason(findBearerToken(undefined, 'access_token=', true))).toBe('malformed_token');
    expect(reason(findBearerToken(undefined, 'access_token=a%20b', true))).toBe('malformed_token');
    expect(reason(findBearerToken(undefined, 'xaccess_token=abc', true))).toBe('missing_credentials');
  });

  it('refuses a token sent twice or two ways (RFC 6750 section 3.1)', () => {
    expect(reason(findBearerToken('Bearer abc', 'access_token=abc', true))).toBe('multiple_tokens');
    expect(reason(findBearerToken(undefined, 'access_token=a&access_token=b', true))).toBe('multiple_tokens');
    // Without allowQuery the query is not a second method: it is not read at all.
    expect(findBearerToken('Bearer abc', 'access_token=abc', false)).toBe('abc');
  });

  it('accepts exactly the b64token syntax', () => {
    const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'aZ09-._~+/= ,"\\:;✓\t'.split('')) }), (token) => {
        // Surrounding whitespace is the field's OWS, trimmed before parsing.
        fc.pre(token === token.trim());
        expect(isB64Token(token)).toBe(b64token.test(token));
        const found = findBearerToken(`Bearer ${token}`, '', false);
        if (b64token.test(token)) expect(found).toBe(token);
        else expect(typeof found).toBe('object');
      }),
    );
  });
});
