/**
 * Which peers are trusted proxies: `trustedProxies` (addresses and CIDR ranges, IPv4
 * and IPv6) compiled once into a matcher by {@link compileIpMatcher}. An IPv4-mapped
 * IPv6 peer (`::ffff:10.0.0.1`, what a dual-stack socket reports) is matched as the
 * IPv4 address it carries.
 *
 * @example
 * const trusted = compileTrust(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
 * trusted('10.1.2.3'); // true
 *
 * @see https://docs.gunicorn.org/en/stable/settings.html#forwarded-allow-ips
 * @module
 */
import { compileIpMatcher } from './ip-match.js';

/** A matcher for `entries` ('*' trusts every peer, like gunicorn's forwarded_allow_ips='*'). */
export function compileTrust(entries: readonly string[]): (address: string) => boolean {
  return compileIpMatcher(entries, 'tsgi proxyFix: trustedProxies');
}
