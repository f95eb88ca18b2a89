import fc from 'fast-check';
import { compileIpMatcher, parseIp } from './ip-match.js';

test('parseIp reads IPv4, IPv6 (with ::, zones and dotted tails) and IPv4-mapped addresses', () => {
  expect(parseIp('10.0.0.1')).toEqual({ value: 0x0a000001n, bits: 32 });
  expect(parseIp('::1')).toEqual({ value: 1n, bits: 128 });
  expect(parseIp('fe80::1%eth0')).toEqual({ value: (0xfe80n << 112n) | 1n, bits: 128 });
  expect(parseIp('64:ff9b::1.2.3.4')).toEqual({ value: (0x64n << 112n) | (0xff9bn << 96n) | 0x01020304n, bits: 128 });
  expect(parseIp('::1.2.3.4')).toEqual({ value: 0x01020304n, bits: 128 }); // IPv4-compatible, not mapped
  expect(parseIp('example.com')).toBeNull();
  expect(parseIp('10.0.0.256')).toBeNull();
  expect(parseIp('')).toBeNull();
});

test('parseIp reads every spelling of an IPv4-mapped address as the IPv4 address', () => {
  for (const spelling of ['::ffff:127.0.0.1', '::FFFF:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:127.0.0.1', '0:0:0:0:0:ffff:7f00:0001', '::ffff:127.0.0.1%lo']) {
    expect([spelling, parseIp(spelling)]).toEqual([spelling, { value: 0x7f000001n, bits: 32 }]);
  }
});

describe('compileIpMatcher', () => {
  test('a mapped range of /96 or longer is the IPv4 range; a shorter one stays IPv6', () => {
    const mapped = compileIpMatcher(['::ffff:10.0.0.0/104'], 'x: allow');
    expect(mapped('10.200.0.1')).toBe(true);
    expect(mapped('::ffff:10.200.0.1')).toBe(true);
    expect(mapped('11.0.0.1')).toBe(false);
    const single = compileIpMatcher(['::ffff:192.0.2.7'], 'x: allow');
    expect([single('192.0.2.7'), single('::ffff:c000:207'), single('192.0.2.8')]).toEqual([true, true, false]);
    const all6 = compileIpMatcher(['::/0'], 'x: allow');
    expect([all6('2001:db8::1'), all6('::1'), all6('10.0.0.1'), all6('::ffff:10.0.0.1')]).toEqual([true, true, false, false]);
  });

  test('clears host bits, ignores zones, matches nothing that is not an address', () => {
    const match = compileIpMatcher(['10.1.2.3/8', 'fe80::/10'], 'x: allow');
    expect([match('10.9.9.9'), match('fe80::1%eth0'), match('fec0::1'), match('not an ip'), match(undefined as never)]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(compileIpMatcher([], 'x: deny')('10.0.0.1')).toBe(false);
    expect(compileIpMatcher(['*'], 'x: deny')('anything')).toBe(true);
  });

  test.each([
    [['10.0.0.0/33'], 'x: allow entries must be IP addresses or CIDR ranges'],
    [['::/129'], 'x: allow entries must be IP addresses or CIDR ranges'],
    [['10.0.0.0/'], 'x: allow entries must be IP addresses or CIDR ranges'],
    [['10.0.0.0/8/8'], 'x: allow entries must be IP addresses or CIDR ranges'],
    [['10.0.0.0/-1'], 'x: allow entries must be IP addresses or CIDR ranges'],
    [['10.0.0.0/ 8'], 'x: allow entries must be IP addresses or CIDR ranges'],
    [['localhost'], 'x: allow entries must be IP addresses or CIDR ranges'],
    [[7], 'x: allow entries must be strings, got number'],
    ['10.0.0.1', 'x: allow must be an array of addresses or CIDR ranges, got string'],
  ])('refuses %j with a TypeError naming the option', (entries, message) => {
    expect(() => compileIpMatcher(entries as never, 'x: allow')).toThrow(TypeError);
    expect(() => compileIpMatcher(entries as never, 'x: allow')).toThrow(message);
  });
});

/**
 * The reference: addresses as bigints, families apart, a mapped address (::ffff:0:0/96)
 * being its IPv4 address, and a mapped range of /96 or more its IPv4 range.
 */
interface Ip {
  value: bigint;
  bits: 32 | 128;
}
const MAPPED = 0xffffn << 32n;
const isMapped = (ip: Ip): boolean => ip.bits === 128 && ip.value >> 32n === 0xffffn;
function unmapAddress(ip: Ip): Ip {
  return isMapped(ip) ? { value: ip.value & 0xffffffffn, bits: 32 } : ip;
}
function referenceContains(network: Ip, prefix: number, address: Ip): boolean {
  let net = network;
  let length = prefix;
  if (isMapped(net) && length >= 96) {
    net = unmapAddress(net);
    length -= 96;
  }
  const ip = unmapAddress(address);
  if (ip.bits !== net.bits) return false;
  const shift = BigInt(net.bits - length);
  return ip.value >> shift === net.value >> shift;
}

function v4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}
function groups(value: bigint): string[] {
  return Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
}
/** The spellings an IPv6 address may come in: full, canonical (URL's), upper case, a dotted tail. */
function v6Text(value: bigint, spelling: number): string {
  switch (spelling % 4) {
    case 0:
      return groups(value).join(':');
    case 1:
      return new URL(`http://[${groups(value).join(':')}]/`).hostname.slice(1, -1);
    case 2:
      return new URL(`http://[${groups(value).join(':')}]/`).hostname.slice(1, -1).toUpperCase();
    default:
      return `${groups(value).slice(0, 6).join(':')}:${v4Text(value & 0xffffffffn)}`;
  }
}
const text = (ip: Ip, spelling: number): string => (ip.bits === 32 ? v4Text(ip.value) : v6Text(ip.value, spelling));

const v4 = fc.bigInt({ min: 0n, max: 0xffffffffn }).map((value): Ip => ({ value, bits: 32 }));
const v6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((value): Ip => ({ value, bits: 128 }));
const mapped = fc.bigInt({ min: 0n, max: 0xffffffffn }).map((value): Ip => ({ value: MAPPED | value, bits: 128 }));
const anyIp = fc.oneof(v4, v6, mapped);

test('property: compileIpMatcher agrees with the bigint reference on random addresses, ranges and spellings', () => {
  fc.assert(
    fc.property(
      anyIp,
      fc.nat(128),
      // The address: a random one, or the network with some low bits flipped (a near hit).
      fc.oneof(anyIp.map((ip) => ({ ip })), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((noise) => ({ noise }))),
      fc.nat(3),
      fc.nat(3),
      (network, rawPrefix, pick, netSpelling, ipSpelling) => {
        const prefix = rawPrefix % (network.bits + 1);
        let address: Ip;
        if ('ip' in pick) address = pick.ip;
        else {
          const hostBits = BigInt(network.bits - prefix) + 1n; // one bit more: sometimes a miss
          const noise = pick.noise & ((1n << hostBits) - 1n) & ((1n << BigInt(network.bits)) - 1n);
          address = { value: network.value ^ noise, bits: network.bits };
        }
        const entry = `${text(network, netSpelling)}/${prefix}`;
        const written = text(address, ipSpelling);
        const got = compileIpMatcher([entry], 'x: allow')(written);
        expect({ entry, written, got }).toEqual({ entry, written, got: referenceContains(network, prefix, address) });
      },
    ),
    { numRuns: 2000 },
  );
});

test('property: a list matches when any of its entries does', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(anyIp, fc.nat(128)), { minLength: 1, maxLength: 5 }), anyIp, (ranges, address) => {
      const entries = ranges.map(([net, p]) => `${text(net, 1)}/${p % (net.bits + 1)}`);
      const want = ranges.some(([net, p]) => referenceContains(net, p % (net.bits + 1), address));
      expect(compileIpMatcher(entries, 'x: deny')(text(address, 1))).toBe(want);
    }),
  );
});
