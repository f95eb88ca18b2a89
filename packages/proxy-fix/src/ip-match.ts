/**
 * IP addresses and CIDR ranges, IPv4 and IPv6, on web APIs only: {@link parseIp}
 * reads an address into a number and its family, {@link compileIpMatcher} compiles a
 * list of addresses and ranges once into a `(address) => boolean`. `proxyFix()`'s
 * `trustedProxies` and `@tsgi/ip-restriction`'s `allow`/`deny` are both this matcher.
 *
 * The two families stay apart, as Python's `ipaddress` and Go's `netip` keep them: an
 * IPv4 range matches IPv4 addresses, an IPv6 range IPv6 ones. An IPv4-mapped IPv6
 * address (`::ffff:10.0.0.1`, what a dual-stack socket reports for an IPv4 client, in
 * any of its spellings: `::ffff:a00:1`, `0:0:0:0:0:ffff:10.0.0.1`) *is* the IPv4
 * address it carries, and a mapped range of /96 or longer (`::ffff:10.0.0.0/104`) is
 * the IPv4 range (`10.0.0.0/8`). A zone (`fe80::1%eth0`) is ignored. Host bits set in
 * a range (`10.0.0.1/8`) are cleared, as `ipaddress.ip_network(strict=False)` does.
 *
 * @example
 * const match = compileIpMatcher(['127.0.0.1', '10.0.0.0/8', 'fd00::/8'], 'myMiddleware: allow');
 * match('10.1.2.3'); // true
 * match('::ffff:10.1.2.3'); // true: the same client on a dual-stack socket
 * match('192.0.2.1'); // false
 *
 * @see https://www.rfc-editor.org/rfc/rfc4632 (CIDR)
 * @see https://www.rfc-editor.org/rfc/rfc4291#section-2.5.5.2 (IPv4-mapped addresses)
 * @module
 */
import { isIPv4, isIPv6 } from './ip-syntax.js';

/** An address as a number and its width: 32 bits for IPv4, 128 for IPv6. */
export interface ParsedIp {
  value: bigint;
  bits: 32 | 128;
}

const MAPPED_PREFIX = 0xffffn; // ::ffff:0:0/96, the 80 zero bits then 16 one bits
const LOW_32 = 0xffffffffn;

/** The address as a bigint and its width (32 or 128 bits), or null when it is not an IP. */
export function parseIp(text: string): ParsedIp | null {
  const raw = parseRaw(text);
  return raw === null ? null : unmap(raw);
}

/** The address as written, without unmapping IPv4-mapped IPv6. */
function parseRaw(text: string): ParsedIp | null {
  if (isIPv4(text)) return { value: BigInt(ipv4Number(text)), bits: 32 };
  if (!isIPv6(text)) return null;
  const zone = text.indexOf('%');
  let address = zone === -1 ? text : text.slice(0, zone);
  // A trailing dotted quad is the last two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (quad) {
    const v4 = ipv4Number(quad[1]!);
    address = address.slice(0, quad.index) + `${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(parseInt(group, 16));
  return { value, bits: 128 };
}

function ipv4Number(text: string): number {
  const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function unmap(ip: ParsedIp): ParsedIp {
  if (ip.bits === 128 && ip.value >> 32n === MAPPED_PREFIX) return { value: ip.value & LOW_32, bits: 32 };
  return ip;
}

interface Range {
  bits: 32 | 128;
  base: bigint;
  mask: bigint;
}

function parseRange(entry: string, label: string): Range {
  const slash = entry.indexOf('/');
  const prefixText = slash === -1 ? undefined : entry.slice(slash + 1);
  let ip = parseRaw(slash === -1 ? entry : entry.slice(0, slash));
  let prefix = prefixText === undefined ? undefined : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (ip === null || (prefix !== undefined && !(prefix >= 0 && prefix <= ip.bits))) {
    throw new TypeError(`${label} entries must be IP addresses or CIDR ranges (such as '10.0.0.0/8' or 'fd00::/8'), got ${JSON.stringify(entry)}`);
  }
  // A mapped range of /96 or more holds IPv4 addresses only: it is that IPv4 range.
  const unmapped = unmap(ip);
  if (unmapped !== ip && (prefix === undefined || prefix >= 96)) {
    ip = unmapped;
    if (prefix !== undefined) prefix -= 96;
  }
  const width = BigInt(ip.bits);
  const length = BigInt(prefix ?? ip.bits);
  const mask = ((1n << length) - 1n) << (width - length);
  return { bits: ip.bits, base: ip.value & mask, mask };
}

/**
 * A matcher for `entries` (addresses and CIDR ranges; `'*'` matches every address).
 * A bad list throws a `TypeError` whose message starts with `label`, the option's
 * name as the caller's users know it (`'ipRestriction: allow'`).
 */
export function compileIpMatcher(entries: readonly string[], label: string): (address: string) => boolean {
  if (!Array.isArray(entries)) {
    throw new TypeError(`${label} must be an array of addresses or CIDR ranges, got ${entries === null ? 'null' : typeof entries}`);
  }
  if (entries.includes('*')) return function matchAny() {
    return true;
  };
  const exact = new Set<string>();
  const ranges: Range[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string') throw new TypeError(`${label} entries must be strings, got ${typeof entry}`);
    ranges.push(parseRange(entry, label));
    if (!entry.includes('/')) exact.add(entry);
  }
  // Clients repeat: remember the answers for the addresses seen (bounded, so a client
  // rotating through an IPv6 /64 cannot grow it).
  const seen = new Map<string, boolean>();
  return function matchIp(address: string): boolean {
    if (exact.has(address)) return true;
    let answer = seen.get(address);
    if (answer !== undefined) return answer;
    const ip = typeof address === 'string' ? parseIp(address) : null;
    answer = ip !== null && ranges.some((r) => r.bits === ip.bits && (ip.value & r.mask) === r.base);
    if (seen.size < 1024) seen.set(address, answer);
    return answer;
  };
}
