import fc from 'fast-check';
import { compileTrust } from './trust.js';

test('compileTrust matches addresses and ranges, refuses bad entries with a TypeError', () => {
  const trusted = compileTrust(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
  expect(trusted('127.0.0.1')).toBe(true);
  expect(trusted('::ffff:127.0.0.1')).toBe(true);
  expect(trusted('10.255.1.2')).toBe(true);
  expect(trusted('11.0.0.1')).toBe(false);
  expect(trusted('fd12::3')).toBe(true);
  expect(trusted('fe80::1')).toBe(false);
  expect(trusted('')).toBe(false);
  expect(compileTrust(['*'])('203.0.113.9')).toBe(true);
  expect(() => compileTrust(['10.0.0.0/33'])).toThrow(/^tsgi proxyFix: trustedProxies entries must be IP addresses or CIDR ranges/);
  expect(() => compileTrust(['localhost'])).toThrow(/trustedProxies/);
  expect(() => compileTrust('10.0.0.1' as never)).toThrow(new TypeError('tsgi proxyFix: trustedProxies must be an array of addresses or CIDR ranges, got string'));
});

test('property: an IPv4 address is in a /n range exactly when its first n bits match', () => {
  const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
  fc.assert(
    fc.property(octets, octets, fc.integer({ min: 0, max: 32 }), (a, b, prefix) => {
      const ip = (o: number[]): string => o.join('.');
      const num = (o: number[]): number => ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
      const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
      const expected = ((num(a) & mask) >>> 0) === ((num(b) & mask) >>> 0);
      expect(compileTrust([`${ip(a)}/${prefix}`])(ip(b))).toBe(expected);
    }),
  );
});
