/**
 * Which peers are trusted proxies: a list of addresses and CIDR ranges, IPv4 and
 * IPv6, compiled once into a matcher. An IPv4-mapped IPv6 peer (`::ffff:10.0.0.1`,
 * what a dual-stack socket reports) is matched as the IPv4 address it carries.
 *
 * @example
 * const trusted = compileTrust(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
 * trusted('10.1.2.3'); // true
 *
 * @see https://www.rfc-editor.org/rfc/rfc4632 (CIDR)
 * @see https://www.rfc-editor.org/rfc/rfc4291#section-2.5.5.2 (IPv4-mapped addresses)
 * @module
 */
import { isIPv4, isIPv6 } from './ip-syntax.js';

/** The address as a bigint and its width (32 or 128 bits), or null when it is not an IP. */
export function parseIp(text: string): { value: bigint; bits: 32 | 128 } | null {
  if (isIPv4(text)) {
    const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
    return { value: BigInt(((a << 24) | (b << 16) | (c << 8) | d) >>> 0), bits: 32 };
  }
  if (!isIPv6(text)) return null;
  const zone = text.indexOf('%');
  let address = zone === -1 ? text : text.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return parseIp(mapped[1]!);
  // A trailing dotted quad is two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (quad) {
    const v4 = Number(parseIp(quad[1]!)!.value);
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

interface Range {
  bits: 32 | 128;
  base: bigint;
  mask: bigint;
}

function parseRange(entry: string): Range {
  const slash = entry.indexOf('/');
  const ip = parseIp(slash === -1 ? entry : entry.slice(0, slash));
  const prefix = slash === -1 ? undefined : Number(entry.slice(slash + 1));
  if (ip === null || (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 0 || prefix > ip.bits))) {
    throw new TypeError(`tsgi proxyFix: trustedProxies entries must be IP addresses or CIDR ranges, got ${JSON.stringify(entry)}`);
  }
  const width = BigInt(ip.bits);
  const length = BigInt(prefix ?? ip.bits);
  const mask = ((1n << length) - 1n) << (width - length);
  return { bits: ip.bits, base: ip.value & mask, mask };
}

/** A matcher for `entries` ('*' trusts every peer, like gunicorn's forwarded_allow_ips='*'). */
export function compileTrust(entries: readonly string[]): (address: string) => boolean {
  if (!Array.isArray(entries)) throw new TypeError('tsgi proxyFix: trustedProxies must be an array of addresses or CIDR ranges');
  if (entries.includes('*')) return () => true;
  const exact = new Set<string>();
  const ranges: Range[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string') throw new TypeError('tsgi proxyFix: trustedProxies entries must be strings');
    const range = parseRange(entry);
    if (!entry.includes('/')) exact.add(entry);
    ranges.push(range);
  }
  // Peers repeat: remember answers for the addresses seen (bounded).
  const seen = new Map<string, boolean>();
  return function isTrusted(address: string): boolean {
    if (exact.has(address)) return true;
    let answer = seen.get(address);
    if (answer !== undefined) return answer;
    const ip = parseIp(address);
    answer = ip !== null && ranges.some((r) => r.bits === ip.bits && (ip.value & r.mask) === r.base);
    if (seen.size < 1024) seen.set(address, answer);
    return answer;
  };
}
