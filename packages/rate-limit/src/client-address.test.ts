import fc from 'fast-check';
import type { Environ } from '@tsgi/core';
import { addressKey, clientAddress } from './client-address.js';

test.each([
  ['192.0.2.1', '192.0.2.1'],
  ['', ''],
  ['2001:db8:0:12ab::1', '2001:db8:0:1200::/56'],
  ['2001:DB8:0:12FF:FFFF:FFFF:FFFF:FFFF', '2001:db8:0:1200::/56'],
  ['2001:db8::', '2001:db8:0:0::/56'],
  ['::1', '0:0:0:0::/56'],
  ['fe80::1%eth0', 'fe80:0:0:0::/56'],
  ['::ffff:198.51.100.7', '198.51.100.7'],
  ['::ffff:c633:6407', '198.51.100.7'],
  ['not:an:address', 'not:an:address'],
])('%p counts as %p', (address, key) => {
  expect(addressKey(address)).toBe(key);
});

test('every address of one /56 gets the same key, and addresses of two /56 networks different keys', () => {
  const group = fc.integer({ min: 0, max: 0xffff });
  fc.assert(
    fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), fc.array(group, { minLength: 4, maxLength: 4 }), (a, low) => {
      const hex = (groups: number[]): string => groups.map((g) => g.toString(16)).join(':');
      // Same first 56 bits: the low byte of group 4 and groups 5-8 changed.
      const b = [...a.slice(0, 3), (a[3]! & 0xff00) | (low[0]! & 0xff), ...low.slice(1), low[0]!];
      if (a.slice(0, 6).every((g, i) => g === (i === 5 ? 0xffff : 0))) return; // IPv4-mapped: counted as IPv4
      expect(addressKey(hex(b))).toBe(addressKey(hex(a)));
      const other = [...a.slice(0, 3), a[3]! ^ 0x100, ...a.slice(4)];
      expect(addressKey(hex(other))).not.toBe(addressKey(hex(a)));
    }),
  );
});

test('clientAddress keeps the last key made, never one for another address', () => {
  const key = (address?: string): string => clientAddress((address === undefined ? {} : { REMOTE_ADDR: address }) as Environ);
  const addresses = ['2001:db8:0:12ab::1', '2001:db8:0:12ab::1', '192.0.2.1', '2001:db8:0:1300::1', undefined, '::ffff:198.51.100.7', '2001:db8:0:12ab::1'];
  expect(addresses.map(key)).toEqual(['2001:db8:0:1200::/56', '2001:db8:0:1200::/56', '192.0.2.1', '2001:db8:0:1300::/56', '', '198.51.100.7', '2001:db8:0:1200::/56']);
  fc.assert(
    fc.property(fc.array(fc.constantFrom('192.0.2.1', '2001:db8::1', '2001:db8:0:100::1', '::ffff:192.0.2.1', ''), { maxLength: 20 }), (list) => {
      for (const address of list) expect(key(address)).toBe(addressKey(address));
    }),
  );
});
