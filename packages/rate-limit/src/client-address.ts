/**
 * The default key: the client's address from `REMOTE_ADDR` (the gateway's peer, or
 * the client `proxyFix()` found behind trusted proxies). An IPv6 client is counted
 * by its /56 network, as express-rate-limit does: one subscriber usually holds a /56
 * to /64 and can pick any address in it, so counting single IPv6 addresses would
 * give each client billions of quotas. An IPv4-mapped IPv6 address counts as the
 * IPv4 address. A request with no `REMOTE_ADDR` (a Unix socket without proxyFix)
 * counts under `''`, one key for all: put proxyFix() above or pass your own `key`.
 *
 * Parsed with the WHATWG URL parser, on every runtime, only for addresses with a `:`.
 *
 * @example
 * clientAddress({ REMOTE_ADDR: '2001:db8:1:2ff::1' } as Environ); // '2001:db8:1:200::/56'
 * @see https://www.rfc-editor.org/rfc/rfc6177 (IPv6 assignments to end sites)
 * @module
 */
import type { Environ } from '@tsgi/core';

/** The bits of an IPv6 address that name one client. */
const IPV6_PREFIX = 56;

/** The eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const zone = address.indexOf('%');
  let host: string;
  try {
    host = new URL(`http://[${zone === -1 ? address : address.slice(0, zone)}]/`).hostname;
  } catch {
    return undefined;
  }
  // The parser's serialisation: lower-case hex, at most one '::', no dotted tail.
  const [head, tail] = host.slice(1, -1).split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros: string[] = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16));
}

/** `address` as a key: IPv4 as it is, IPv6 as its /56 network (`2001:db8:1:200::/56`). */
export function addressKey(address: string): string {
  if (!address.includes(':')) return address;
  // A dual-stack listener ('::') reports IPv4 clients as ::ffff:a.b.c.d: no parsing for them.
  if (address.startsWith('::ffff:') && address.indexOf(':', 7) === -1) return address.slice(7);
  const groups = ipv6Groups(address);
  if (groups === undefined) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  }
  const kept = groups.slice(0, 4);
  kept[3] = kept[3]! & (0xffff << (64 - IPV6_PREFIX));
  return `${kept.map((g) => g.toString(16)).join(':')}::/${IPV6_PREFIX}`;
}

// The last address seen and its key: a keep-alive connection sends many requests
// from one address, and an IPv6 one would otherwise be parsed again for each.
let lastAddress = '';
let lastKey = '';

/** The default `key`: the client address of the request, see the module comment. */
export function clientAddress(environ: Environ): string {
  const address = environ.REMOTE_ADDR ?? '';
  if (address !== lastAddress) {
    lastKey = addressKey(address);
    lastAddress = address;
  }
  return lastKey;
}
