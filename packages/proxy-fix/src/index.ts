export { ORIG_KEY, proxyFix, type ProxyFixOptions, type ProxyFixOrig } from './proxy-fix.js';
export { compileTrust } from './trust.js';
export { compileIpMatcher, parseIp, type ParsedIp } from './ip-match.js';
