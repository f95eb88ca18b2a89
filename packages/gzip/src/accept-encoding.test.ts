import fc from 'fast-check';
import { Negotiator, negotiate, parseAcceptEncoding } from './accept-encoding.js';

const OFFER = ['br', 'gzip', 'deflate'];

describe('parseAcceptEncoding', () => {
  it('reads codings and weights, lower-cased, ignoring malformed weights', () => {
    expect([...parseAcceptEncoding('GZIP;Q=0.5 , br, deflate;q=2, x;q=abc, *;q=0')]).toEqual([
      ['gzip', 0.5],
      ['br', 1],
      ['*', 0],
    ]);
  });

  it('keeps the first weight of a coding listed twice', () => {
    expect(parseAcceptEncoding('gzip;q=0, gzip').get('gzip')).toBe(0);
  });
});

describe('negotiate (RFC 9110 section 12.5.3)', () => {
  it.each([
    ['gzip, deflate, br', 'br', true],
    ['gzip;q=1.0, br;q=0.9', 'gzip', true],
    ['deflate;q=0.5, gzip;q=0.5', 'gzip', true],
    ['x-gzip', 'gzip', true],
    ['*', 'br', true],
    ['*;q=0.2, gzip;q=0', 'br', true],
    ['compress', undefined, true],
    ['', undefined, true],
    ['gzip;q=0.5, identity', undefined, true],
    ['gzip, identity', 'gzip', true],
    ['identity;q=0', undefined, false],
    ['*;q=0', undefined, false],
    ['*;q=0, identity;q=0.1', undefined, true],
    ['gzip, *;q=0', 'gzip', false],
  ])('%j -> %s (identity acceptable: %s)', (header, coding, identity) => {
    expect(negotiate(header, OFFER)).toEqual({ coding, identity });
  });

  it('sends identity when there is no header', () => {
    expect(negotiate(undefined, OFFER)).toEqual({ coding: undefined, identity: true });
  });

  it('never picks a coding the client gave q=0 or the server does not offer', () => {
    const coding = fc.constantFrom('gzip', 'br', 'deflate', 'zstd', 'identity', '*', 'x-gzip', 'compress');
    const member = fc.tuple(coding, fc.option(fc.constantFrom('0', '0.5', '1', '0.001', 'bad'))).map(([c, q]) =>
      q === null ? c : `${c};q=${q}`,
    );
    fc.assert(
      fc.property(fc.array(member, { maxLength: 6 }), fc.shuffledSubarray(OFFER, { minLength: 1 }), (members, offer) => {
        const header = members.join(', ');
        const { coding } = negotiate(header, offer);
        if (coding === undefined) return;
        expect(offer).toContain(coding);
        const weights = parseAcceptEncoding(header);
        const q = weights.get(coding) ?? (coding === 'gzip' ? weights.get('x-gzip') : undefined) ?? weights.get('*');
        expect(q).toBeGreaterThan(0);
      }),
    );
  });
});

describe('Negotiator', () => {
  it('caches per header value and stays bounded', () => {
    const n = new Negotiator(OFFER, 4);
    const first = n.negotiate('gzip');
    expect(n.negotiate('gzip')).toBe(first);
    for (let i = 1; i < 10; i++) expect(n.negotiate(`gzip;q=0.${i}`).coding).toBe('gzip');
    expect((n as unknown as { cache: Map<string, unknown> }).cache.size).toBeLessThanOrEqual(4);
  });
});
