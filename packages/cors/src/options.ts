/**
 * `cors()`'s options, checked once against {@link DEFAULTS} and turned into the header
 * values every request reuses: a bad option throws a TypeError that names it, the value
 * seen, and what to write instead.
 *
 * @example
 * const resolved = resolveCorsOptions({ origin: ['https://app.example.com'], credentials: true });
 * resolved.methods; // 'GET, HEAD, PUT, PATCH, POST, DELETE'
 * @see https://fetch.spec.whatwg.org/#http-new-header-syntax
 * @module
 */
import { isToken, type ResponseHeaders } from '@tsgi/core';
import { compileOrigins, describe, type OriginOption, type OriginRule } from './origin.js';

export interface CorsOptions {
  /**
   * Which origins may read responses: `'*'` (any, answered with `*`), one origin, a
   * list of origins and anchored RegExps, or a synchronous predicate
   * `(origin, environ) => boolean`. Matching is exact on the serialized origin;
   * `'null'` only when listed.
   * @default '*'
   */
  origin?: OriginOption;
  /**
   * `Access-Control-Allow-Methods` on preflight responses.
   * @default ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']
   */
  methods?: readonly string[];
  /**
   * `Access-Control-Allow-Headers` on preflight responses. Unset: the headers the
   * preflight asks for (`Access-Control-Request-Headers`) are reflected, as the `cors`
   * package does, with `Vary: Access-Control-Request-Headers`.
   * @default undefined
   */
  allowHeaders?: readonly string[];
  /**
   * `Access-Control-Expose-Headers`: response headers beyond the CORS-safelisted ones
   * that page scripts may read.
   * @default []
   */
  exposeHeaders?: readonly string[];
  /**
   * Send `Access-Control-Allow-Credentials: true`, so cookies and HTTP auth go with
   * cross-origin requests and their responses are readable. Not with `origin: '*'`.
   * @default false
   */
  credentials?: boolean;
  /**
   * `Access-Control-Max-Age` in seconds: how long a browser may cache a preflight
   * answer. Unset, browsers keep it 5 seconds; Chromium caps it at 7200.
   * @default undefined
   */
  maxAge?: number;
  /**
   * Pass preflights on to the app (with the CORS headers added to its answer) instead
   * of answering them here.
   * @default false
   */
  preflightContinue?: boolean;
  /**
   * The status of preflight answers. Some old clients choke on 204; 200 sends
   * `Content-Length: 0`.
   * @default 204
   */
  optionsSuccessStatus?: number;
  /**
   * Answer Private Network Access preflights (`Access-Control-Request-Private-Network:
   * true`, a public page calling a private address) with
   * `Access-Control-Allow-Private-Network: true` for allowed origins. Off unless
   * asked: granting it by default (flask-cors, CVE-2024-6221) exposes internal services
   * to public sites.
   * @default false
   */
  privateNetwork?: boolean;
}

export const DEFAULTS = {
  origin: '*',
  methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
  exposeHeaders: [],
  credentials: false,
  preflightContinue: false,
  optionsSuccessStatus: 204,
  privateNetwork: false,
} satisfies Omit<Required<CorsOptions>, 'allowHeaders' | 'maxAge'>; // those two: unset by default

/** The options as every request uses them. */
export interface ResolvedCors {
  origins: OriginRule;
  credentials: boolean;
  /** The joined Allow-Methods value. */
  methods: string;
  /** The joined Allow-Headers value, or undefined to reflect the request's. */
  allowHeaders: string | undefined;
  /** Headers every allowed actual response gets after Access-Control-Allow-Origin. */
  actualTail: ResponseHeaders;
  /** Headers every allowed preflight gets after Access-Control-Allow-Origin, before Allow-Headers. */
  preflightTail: ResponseHeaders;
  /** Access-Control-Max-Age, or undefined. */
  maxAge: string | undefined;
  preflightContinue: boolean;
  optionsSuccessStatus: number;
  privateNetwork: boolean;
}

const KNOWN = new Set([...Object.keys(DEFAULTS), 'allowHeaders', 'maxAge']);

function boolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`cors: ${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** A list of tokens joined with ', '; `*` only where credentials are off (the spec's wildcard rule). */
function tokenList(value: unknown, name: string, credentials: boolean, example: string): string {
  if (!Array.isArray(value)) throw new TypeError(`cors: ${name} must be an array of names, e.g. ${example}, got ${describe(value)}`);
  for (const item of value as unknown[]) {
    if (typeof item !== 'string' || !isToken(item)) {
      throw new TypeError(`cors: ${name} must hold HTTP tokens, e.g. ${example}; ${describe(item)} is not one`);
    }
    if (item === '*' && credentials) {
      throw new TypeError(`cors: ${name} cannot be '*' with credentials: true (browsers read it as a literal name then); list the names`);
    }
  }
  return (value as string[]).join(', ');
}

export function resolveCorsOptions(options: CorsOptions): ResolvedCors {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`cors: options must be an object such as { origin: 'https://app.example.com' }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`cors: unknown option ${JSON.stringify(key)} (known: ${[...KNOWN].join(', ')})`);
  }
  const credentials = boolean(options.credentials ?? DEFAULTS.credentials, 'credentials');
  const origins = compileOrigins(options.origin ?? DEFAULTS.origin, 'cors: origin');
  if (credentials && origins.any) {
    throw new TypeError(
      "cors: credentials: true cannot go with origin: '*' (browsers refuse Access-Control-Allow-Origin: * on credentialed requests, and reflecting every origin would let any site read your users' responses); list the origins allowed, e.g. origin: ['https://app.example.com'], or give a predicate",
    );
  }
  const methods = tokenList(options.methods ?? DEFAULTS.methods, 'methods', credentials, "['GET', 'POST']");
  const allowHeaders =
    options.allowHeaders === undefined ? undefined : tokenList(options.allowHeaders, 'allowHeaders', credentials, "['Content-Type', 'X-Requested-With']");
  const expose = tokenList(options.exposeHeaders ?? DEFAULTS.exposeHeaders, 'exposeHeaders', credentials, "['ETag', 'X-Total-Count']");
  let maxAge: string | undefined;
  if (options.maxAge !== undefined) {
    if (!Number.isSafeInteger(options.maxAge) || options.maxAge < 0) {
      throw new TypeError(`cors: maxAge must be a whole number of seconds >= 0, e.g. 600, got ${describe(options.maxAge)}`);
    }
    maxAge = String(options.maxAge);
  }
  const status = options.optionsSuccessStatus ?? DEFAULTS.optionsSuccessStatus;
  if (!Number.isInteger(status) || status < 200 || status > 299) {
    throw new TypeError(`cors: optionsSuccessStatus must be a 2xx status such as 204 or 200, got ${describe(status)}`);
  }
  const credentialsHeader: ResponseHeaders = credentials ? [['Access-Control-Allow-Credentials', 'true']] : [];
  const exposeHeader: ResponseHeaders = expose === '' ? [] : [['Access-Control-Expose-Headers', expose]];
  return {
    origins,
    credentials,
    methods,
    allowHeaders,
    actualTail: [...credentialsHeader, ...exposeHeader],
    preflightTail: [...credentialsHeader, ['Access-Control-Allow-Methods', methods]],
    maxAge,
    preflightContinue: boolean(options.preflightContinue ?? DEFAULTS.preflightContinue, 'preflightContinue'),
    optionsSuccessStatus: status,
    privateNetwork: boolean(options.privateNetwork ?? DEFAULTS.privateNetwork, 'privateNetwork'),
  };
}
