/**
 * `secureHeaders()`'s options: one per header, each `false` (not sent), `true` (the
 * default value, helmet's) or a value of its own, checked once against
 * {@link DEFAULTS} and turned into the header pairs every response reuses.
 *
 * @example
 * const resolved = resolveOptions({ xFrameOptions: 'DENY', contentSecurityPolicy: false });
 * resolved.https; // [['Cross-Origin-Opener-Policy', 'same-origin'], ..., ['X-Frame-Options', 'DENY'], ...]
 * @see https://owasp.org/www-project-secure-headers/
 * @see https://helmetjs.github.io/
 * @module
 */
import { isToken, type ResponseHeaders } from '@tsgi/core';
import { compilePolicy, type CompiledPolicy, type CspOptions } from './csp.js';

export type ReferrerPolicy =
  | 'no-referrer'
  | 'no-referrer-when-downgrade'
  | 'same-origin'
  | 'origin'
  | 'strict-origin'
  | 'origin-when-cross-origin'
  | 'strict-origin-when-cross-origin'
  | 'unsafe-url';

export interface StrictTransportSecurityOptions {
  /** Seconds the browser keeps using HTTPS only. @default 31536000 (365 days) */
  maxAge?: number;
  /** @default true */
  includeSubDomains?: boolean;
  /** Ask to be on the browsers' preload list (needs maxAge >= 1 year and includeSubDomains). @default false */
  preload?: boolean;
}

export interface SecureHeadersOptions {
  /** helmet's default policy, or your directives over it; `NONCE` for per-request nonces. @default {} */
  contentSecurityPolicy?: boolean | CspOptions;
  /** Off by default, as in helmet: `require-corp` breaks cross-origin images and scripts without CORP/CORS. @default false */
  crossOriginEmbedderPolicy?: boolean | 'require-corp' | 'credentialless' | 'unsafe-none';
  /** @default 'same-origin' */
  crossOriginOpenerPolicy?: boolean | 'same-origin' | 'same-origin-allow-popups' | 'noopener-allow-popups' | 'unsafe-none';
  /** @default 'same-origin' */
  crossOriginResourcePolicy?: boolean | 'same-origin' | 'same-site' | 'cross-origin';
  /** `Origin-Agent-Cluster: ?1`. @default true */
  originAgentCluster?: boolean;
  /** One policy or a fallback list (the browser uses the last it knows). @default 'no-referrer' */
  referrerPolicy?: boolean | ReferrerPolicy | readonly ReferrerPolicy[];
  /** Sent on HTTPS requests only (`wsgi.url_scheme`, as proxyFix sets it). @default { maxAge: 31536000, includeSubDomains: true } */
  strictTransportSecurity?: boolean | StrictTransportSecurityOptions;
  /** `X-Content-Type-Options: nosniff`. @default true */
  xContentTypeOptions?: boolean;
  /** @default 'off' */
  xDnsPrefetchControl?: boolean | 'off' | 'on';
  /** `X-Download-Options: noopen` (old Internet Explorer). @default true */
  xDownloadOptions?: boolean;
  /** @default 'SAMEORIGIN' */
  xFrameOptions?: boolean | 'DENY' | 'SAMEORIGIN';
  /** @default 'none' */
  xPermittedCrossDomainPolicies?: boolean | 'none' | 'master-only' | 'by-content-type' | 'all';
  /** `X-XSS-Protection: 0`: turns off the old XSS auditors, which opened leaks of their own. @default true */
  xXssProtection?: boolean;
  /** Headers taken off the app's responses (an Express app's `X-Powered-By`, a wrapped server's `Server`). @default ['X-Powered-By', 'Server'] */
  removeHeaders?: readonly string[];
  /** Replace a header the app set itself; by default the app's wins (a route may relax its own CSP). @default false */
  overwrite?: boolean;
}

export const DEFAULTS = {
  contentSecurityPolicy: {},
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: 'same-origin',
  crossOriginResourcePolicy: 'same-origin',
  originAgentCluster: true,
  referrerPolicy: 'no-referrer',
  strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true, preload: false },
  xContentTypeOptions: true,
  xDnsPrefetchControl: 'off',
  xDownloadOptions: true,
  xFrameOptions: 'SAMEORIGIN',
  xPermittedCrossDomainPolicies: 'none',
  xXssProtection: true,
  removeHeaders: ['X-Powered-By', 'Server'],
  overwrite: false,
} satisfies Required<SecureHeadersOptions>;

/** The options as every request uses them. */
export interface ResolvedOptions {
  /** The static headers of an http:// request (no HSTS), and of an https:// one. */
  http: ResponseHeaders;
  https: ResponseHeaders;
  /** The policy when it carries a nonce (then it is not in the static lists). */
  noncePolicy: CompiledPolicy | undefined;
  /** Lower-cased names taken off the app's headers. */
  remove: ReadonlySet<string>;
  overwrite: boolean;
}

const W = 'secureHeaders';

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A header whose option is `false`, `true` (the default value) or one of `allowed`. */
function choice<T extends string>(name: string, option: string, value: unknown, fallback: T, allowed: readonly T[]): [string, string] | undefined {
  if (value === false) return undefined;
  if (value === true) return [name, fallback];
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return [name, value];
  throw new TypeError(`${W}: ${option} must be false, true or one of ${allowed.map((v) => `'${v}'`).join(', ')}, got ${describe(value)}`);
}

function flag(name: string, option: string, value: unknown, text: string): [string, string] | undefined {
  if (typeof value !== 'boolean') throw new TypeError(`${W}: ${option} must be true or false, got ${describe(value)}`);
  return value ? [name, text] : undefined;
}

const REFERRER: readonly ReferrerPolicy[] = [
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
];

function referrerPolicy(value: unknown): [string, string] | undefined {
  if (value === false) return undefined;
  const list = value === true ? [DEFAULTS.referrerPolicy] : Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0 || !list.every((v) => (REFERRER as readonly unknown[]).includes(v))) {
    throw new TypeError(`${W}: referrerPolicy must be false, one of ${REFERRER.join(', ')}, or a list of them, got ${describe(value)}`);
  }
  return ['Referrer-Policy', list.join(', ')];
}

function hsts(value: unknown): [string, string] | undefined {
  if (value === false) return undefined;
  const given = value === true ? {} : value;
  if (typeof given !== 'object' || given === null) {
    throw new TypeError(`${W}: strictTransportSecurity must be false, true or { maxAge, includeSubDomains, preload }, got ${describe(value)}`);
  }
  const o = { ...DEFAULTS.strictTransportSecurity, ...(given as StrictTransportSecurityOptions) };
  if (!Number.isSafeInteger(o.maxAge) || o.maxAge < 0) {
    throw new TypeError(`${W}: strictTransportSecurity.maxAge must be whole seconds >= 0, e.g. 31536000 (a year), got ${describe(o.maxAge)}`);
  }
  if (o.preload && (o.maxAge < 31536000 || !o.includeSubDomains)) {
    throw new TypeError(`${W}: strictTransportSecurity.preload needs maxAge >= 31536000 and includeSubDomains: true (the preload list's rules)`);
  }
  let text = `max-age=${o.maxAge}`;
  if (o.includeSubDomains) text += '; includeSubDomains';
  if (o.preload) text += '; preload';
  return ['Strict-Transport-Security', text];
}

export function resolveOptions(options: SecureHeadersOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${W}: options must be an object such as { xFrameOptions: 'DENY' }`);
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(DEFAULTS, key)) throw new TypeError(`${W}: unknown option ${JSON.stringify(key)} (known: ${Object.keys(DEFAULTS).join(', ')})`);
  }
  const o = { ...DEFAULTS, ...options };
  let policy: CompiledPolicy | undefined;
  if (o.contentSecurityPolicy !== false) {
    policy = compilePolicy(o.contentSecurityPolicy === true ? {} : o.contentSecurityPolicy, W);
  }
  const common = [
    policy?.value === undefined ? undefined : ([policy.header, policy.value] as [string, string]),
    choice('Cross-Origin-Embedder-Policy', 'crossOriginEmbedderPolicy', o.crossOriginEmbedderPolicy, 'require-corp', ['require-corp', 'credentialless', 'unsafe-none']),
    choice('Cross-Origin-Opener-Policy', 'crossOriginOpenerPolicy', o.crossOriginOpenerPolicy, 'same-origin', ['same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none']),
    choice('Cross-Origin-Resource-Policy', 'crossOriginResourcePolicy', o.crossOriginResourcePolicy, 'same-origin', ['same-origin', 'same-site', 'cross-origin']),
    flag('Origin-Agent-Cluster', 'originAgentCluster', o.originAgentCluster, '?1'),
    referrerPolicy(o.referrerPolicy),
  ];
  const tail = [
    flag('X-Content-Type-Options', 'xContentTypeOptions', o.xContentTypeOptions, 'nosniff'),
    choice('X-DNS-Prefetch-Control', 'xDnsPrefetchControl', o.xDnsPrefetchControl, 'off', ['off', 'on']),
    flag('X-Download-Options', 'xDownloadOptions', o.xDownloadOptions, 'noopen'),
    choice('X-Frame-Options', 'xFrameOptions', o.xFrameOptions, 'SAMEORIGIN', ['DENY', 'SAMEORIGIN']),
    choice('X-Permitted-Cross-Domain-Policies', 'xPermittedCrossDomainPolicies', o.xPermittedCrossDomainPolicies, 'none', ['none', 'master-only', 'by-content-type', 'all']),
    flag('X-XSS-Protection', 'xXssProtection', o.xXssProtection, '0'),
  ];
  const present = (pairs: Array<[string, string] | undefined>): ResponseHeaders => pairs.filter((p): p is [string, string] => p !== undefined);
  const http = present([...common, ...tail]);
  const https = present([...common, hsts(o.strictTransportSecurity), ...tail]);
  if (!Array.isArray(o.removeHeaders) || !o.removeHeaders.every((name) => typeof name === 'string' && isToken(name))) {
    throw new TypeError(`${W}: removeHeaders must be a list of header names such as ['X-Powered-By', 'Server'], got ${describe(o.removeHeaders)}`);
  }
  if (typeof o.overwrite !== 'boolean') throw new TypeError(`${W}: overwrite must be true or false, got ${describe(o.overwrite)}`);
  return {
    http,
    https,
    noncePolicy: policy?.value === undefined ? policy : undefined,
    remove: new Set(o.removeHeaders.map((name) => name.toLowerCase())),
    overwrite: o.overwrite,
  };
}
