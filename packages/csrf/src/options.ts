/**
 * `csrf()`'s options, checked once against {@link DEFAULTS}: a bad one throws a
 * TypeError naming it and the value seen.
 *
 * @example
 * const resolved = resolveCsrfOptions({ trustedOrigins: ['https://app.example.com'] });
 * @module
 */
import { environKey, isToken } from '@tsgi/core';
import type { CookieSettings } from './cookie.js';
import { trustedOrigin } from './origins.js';
import { TokenSigner, type TokenKey } from './token.js';

export interface CsrfTokenOptions {
  /**
   * HMAC-SHA256 secrets, each at least 32 bytes, newest first: new tokens are signed
   * with the first, tokens signed by any of them are accepted (rotate by prepending).
   */
  keys: readonly TokenKey[];
  /** The cookie's name. @default '__Host-csrf' on HTTPS requests, 'csrf' on plain HTTP */
  cookieName?: string;
  /** @default 'Lax' */
  sameSite?: 'Strict' | 'Lax';
  /** The request header that carries the token. @default 'X-CSRF-Token' */
  header?: string;
  /** The urlencoded form field that carries the token. @default '_csrf' */
  field?: string;
  /** Largest urlencoded body read to find the field; past it, 413. @default 65536 */
  formLimit?: number;
}

export interface CsrfOptions {
  /**
   * Origins besides the request's own whose unsafe requests are let through, e.g. a
   * front end on another host (`https://app.example.com`). Exact scheme://host[:port].
   * @default []
   */
  trustedOrigins?: readonly string[];
  /**
   * Let `Sec-Fetch-Site: same-site` through (other subdomains of the same site). Off:
   * a sibling subdomain is often less trusted (user content, an old app).
   * @default false
   */
  allowSameSite?: boolean;
  /**
   * Let an unsafe request with neither `Sec-Fetch-Site` nor `Origin` through. Such a
   * request is not from a browser released since 2020 (curl, a server, a mobile app,
   * which carry no victim's cookies), as Go's CrossOriginProtection assumes. `false`
   * refuses them; `token` checks a token instead.
   * @default true (false when `token` is given)
   */
  allowMissingOrigin?: boolean;
  /**
   * Token mode: requests with neither header must carry the double-submit token. Every
   * request gets `environ['tsgi.csrf_token']`, and a cookie when it had no valid one.
   * @default false
   */
  token?: false | CsrfTokenOptions;
  /**
   * Throw core's `HttpError` (403, or 413 for an over-long form) instead of answering,
   * for `httpErrors()` from @tsgi/errors.
   * @default false
   */
  throwHttpErrors?: boolean;
}

export const DEFAULTS = {
  trustedOrigins: [],
  allowSameSite: false,
  allowMissingOrigin: true,
  token: false,
  throwHttpErrors: false,
} satisfies Required<CsrfOptions>;

export interface ResolvedToken {
  signer: TokenSigner;
  cookie: CookieSettings;
  /** The environ key of the token header, e.g. `HTTP_X_CSRF_TOKEN`. */
  headerKey: string;
  field: string;
  formLimit: number;
}

export interface ResolvedCsrf {
  trusted: ReadonlySet<string>;
  allowSameSite: boolean;
  allowMissingOrigin: boolean;
  token: ResolvedToken | undefined;
  throwHttpErrors: boolean;
}

const W = 'csrf';

function boolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${W}: ${name} must be true or false, got ${JSON.stringify(value) ?? String(value)}`);
  return value;
}

function resolveToken(token: CsrfTokenOptions): ResolvedToken {
  if (typeof token !== 'object' || token === null) throw new TypeError(`${W}: token must be false or { keys: [secret] }`);
  const signer = new TokenSigner(token.keys, W);
  const header = token.header ?? 'X-CSRF-Token';
  const headerKey = typeof header === 'string' && isToken(header) ? environKey(header) : null;
  if (headerKey === null || !headerKey.startsWith('HTTP_')) {
    throw new TypeError(`${W}: token.header must be a request header name without '_', such as 'X-CSRF-Token', got ${JSON.stringify(header)}`);
  }
  const field = token.field ?? '_csrf';
  if (typeof field !== 'string' || field === '') throw new TypeError(`${W}: token.field must be a form field name such as '_csrf'`);
  const formLimit = token.formLimit ?? 64 * 1024;
  if (!Number.isSafeInteger(formLimit) || formLimit < 0) throw new TypeError(`${W}: token.formLimit must be a whole number of bytes, got ${String(formLimit)}`);
  const sameSite = token.sameSite ?? 'Lax';
  if (sameSite !== 'Lax' && sameSite !== 'Strict') throw new TypeError(`${W}: token.sameSite must be 'Lax' or 'Strict', got ${JSON.stringify(sameSite)}`);
  const name = token.cookieName;
  if (name !== undefined && (typeof name !== 'string' || !isToken(name))) {
    throw new TypeError(`${W}: token.cookieName must be a cookie name (an HTTP token), got ${JSON.stringify(name)}`);
  }
  return {
    signer,
    cookie: { names: { https: name ?? '__Host-csrf', http: name ?? 'csrf' }, sameSite },
    headerKey,
    field,
    formLimit,
  };
}

export function resolveCsrfOptions(options: CsrfOptions): ResolvedCsrf {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${W}: options must be an object such as { trustedOrigins: ['https://app.example.com'] }`);
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(DEFAULTS, key)) throw new TypeError(`${W}: unknown option ${JSON.stringify(key)} (known: ${Object.keys(DEFAULTS).join(', ')})`);
  }
  const trustedList = options.trustedOrigins ?? DEFAULTS.trustedOrigins;
  if (!Array.isArray(trustedList)) throw new TypeError(`${W}: trustedOrigins must be a list such as ['https://app.example.com']`);
  const token = options.token === undefined || options.token === false ? undefined : resolveToken(options.token);
  if (token !== undefined && options.allowMissingOrigin === true) {
    throw new TypeError(`${W}: give token or allowMissingOrigin: true, not both (in token mode a request with neither Sec-Fetch-Site nor Origin must carry the token)`);
  }
  return {
    trusted: new Set(trustedList.map((origin: unknown) => trustedOrigin(origin, `${W}: trustedOrigins`))),
    allowSameSite: boolean(options.allowSameSite ?? DEFAULTS.allowSameSite, 'allowSameSite'),
    allowMissingOrigin: token === undefined && boolean(options.allowMissingOrigin ?? DEFAULTS.allowMissingOrigin, 'allowMissingOrigin'),
    token,
    throwHttpErrors: boolean(options.throwHttpErrors ?? DEFAULTS.throwHttpErrors, 'throwHttpErrors'),
  };
}
