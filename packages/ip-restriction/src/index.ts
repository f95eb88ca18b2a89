export { ipRestriction, type IpRestrictionOptions } from './ip-restriction.js';
