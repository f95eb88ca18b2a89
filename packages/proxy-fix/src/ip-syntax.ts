/**
 * Whether a string is an IPv4 or IPv6 address, on web APIs only, with the answers
 * of `node:net`'s `isIPv4`/`isIPv6` (which this replaces so that proxyFix loads on
 * Cloudflare Workers without nodejs_compat): dotted decimal without leading zeros;
 * IPv6 as the WHATWG URL parser reads a `[...]` host, plus an optional `%zone`.
 *
 * @example
 * isIPv4('10.0.0.1'); // true
 * isIPv6('fe80::1%eth0'); // true
 * @see https://www.rfc-editor.org/rfc/rfc4291#section-2.2 (IPv6 text forms)
 * @see https://url.spec.whatwg.org/#concept-ipv6-parser
 * @module
 */

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
// Characters of an IPv6 address (a dotted IPv4 tail included), then of a zone id.
const IPV6_CHARS = /^[0-9A-Fa-f:.]+$/;
const ZONE = /^[0-9A-Za-z.:-]+$/;

export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

export function isIPv6(text: string): boolean {
  const percent = text.indexOf('%');
  const address = percent === -1 ? text : text.slice(0, percent);
  if (percent !== -1 && !ZONE.test(text.slice(percent + 1))) return false;
  if (!address.includes(':') || !IPV6_CHARS.test(address)) return false;
  try {
    new URL(`http://[${address}]/`);
    return true;
  } catch {
    return false;
  }
}
