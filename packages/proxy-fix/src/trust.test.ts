import fc from 'fast-check';
import { compileTrust, parseIp } from './trust.js';

test('parseIp reads IPv4, IPv6 (with ::, zones and dotted tails) and IPv4-mapped addresses', () => {
  expect(parseIp('10.0.0.1')).toEqual({ value: 0x0a000001n, bits: 32 });
  expect(parseIp('::1')).toEqual({ value: 1n, bits: 128 });
  expect(parseIp('fe80::1%eth0')).toEqual({ value: (0xfe80n << 112n) | 1n, bits: 128 });
  expect(parseIp('::ffff:127.0.0.1')).toEqual({ value: 0x7f000001n, bits: 32 });
  expect(parseIp('64:ff9b::1.2.3.4')).toEqual({ value: (0x64n << 112n) | (0xff9bn << 96n) | 0x01020304n, bits: 128 });
  expect(parseIp('example.com')).toBeNull();
  expect(parseIp('10.0.0.256')).toBeNull();
});

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
  expect(() => compileTrust(['10.0.0.0/33'])).toThrow(/trustedProxies/);
  expect(() => compileTrust(['localhost'])).toThrow(/trustedProxies/);
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
