export { ORIG_KEY, proxyFix, type ProxyFixOptions, type ProxyFixOrig } from './proxy-fix.js';
export { compileTrust, parseIp } from './trust.js';
