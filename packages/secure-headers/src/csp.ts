/**
 * The Content-Security-Policy `secureHeaders()` sends: helmet's default directives,
 * changed by the ones given, compiled once at factory time into the header's text. A
 * policy that uses {@link NONCE} is compiled into the pieces around each nonce, so a
 * request only joins them with its own nonce.
 *
 * Directive names may be camelCase (`scriptSrc`) or as written in the header
 * (`script-src`); `null` removes a default directive, `[]` is a directive with no value
 * (`upgrade-insecure-requests`). Keywords must be quoted as CSP writes them: `"'self'"`,
 * not `'self'`, which would allow a host named "self".
 *
 * @example
 * const policy = compilePolicy({ directives: { scriptSrc: ["'self'", NONCE] } }, 'secureHeaders');
 * policy.withNonce('abc'); // "default-src 'self';...;script-src 'self' 'nonce-abc';..."
 * @see https://www.w3.org/TR/CSP3/#csp-header
 * @see https://helmetjs.github.io/ (helmet's default policy)
 * @module
 */

/** Put this in a directive's sources to get a fresh `'nonce-...'` per request. */
export const NONCE: unique symbol = Symbol.for('tsgi.csp-nonce');

/** One directive's sources; `NONCE` stands for this request's `'nonce-...'`. */
export type CspSources = ReadonlyArray<string | typeof NONCE>;

export interface CspOptions {
  /**
   * Directives to set, over helmet's defaults (`useDefaults`); `null` drops one.
   * @default {}
   */
  directives?: Readonly<Record<string, CspSources | null>>;
  /**
   * Start from helmet's default directives.
   * @default true
   */
  useDefaults?: boolean;
  /**
   * Send `Content-Security-Policy-Report-Only` instead: the browser reports
   * violations (to your `report-to` / `report-uri`) without blocking.
   * @default false
   */
  reportOnly?: boolean;
}

/** helmet 8's default policy, directive by directive. */
export const DEFAULT_DIRECTIVES: Readonly<Record<string, CspSources>> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'font-src': ["'self'", 'https:', 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", 'https:', "'unsafe-inline'"],
  'upgrade-insecure-requests': [],
};

/** The compiled policy. */
export interface CompiledPolicy {
  /** `Content-Security-Policy` or `-Report-Only`. */
  header: string;
  /** The whole value when the policy has no nonce; undefined when it has one. */
  value: string | undefined;
  /** The value with `nonce` (base64, without the `'nonce-` quoting) in every NONCE place. */
  withNonce(nonce: string): string;
}

const KEYWORDS = new Set(['self', 'none', 'unsafe-inline', 'unsafe-eval', 'strict-dynamic', 'unsafe-hashes', 'report-sample', 'wasm-unsafe-eval', 'inline-speculation-rules']);
const DIRECTIVE_NAME = /^[a-z][a-z0-9-]*$/;
// A source expression: printable ASCII without the policy's separators (`;` `,`) or spaces.
const SOURCE = /^[\x21-\x2b\x2d-\x3a\x3c-\x7e]+$/;

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function checkSource(source: unknown, directive: string, where: string): string | typeof NONCE {
  if (source === NONCE) return NONCE;
  if (typeof source !== 'string' || !SOURCE.test(source)) {
    throw new TypeError(`${where}: ${directive} has ${JSON.stringify(source)}, which is not one CSP source (no spaces, ';' or ',': give each source as its own string)`);
  }
  if (KEYWORDS.has(source)) {
    throw new TypeError(`${where}: ${directive} has ${source} unquoted, which CSP reads as a host name; write "'${source}'"`);
  }
  return source;
}

export function compilePolicy(options: CspOptions, where: string): CompiledPolicy {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: contentSecurityPolicy must be false or an object such as { directives: { scriptSrc: ["'self'"] } }`);
  }
  const useDefaults = options.useDefaults ?? true;
  const reportOnly = options.reportOnly ?? false;
  if (typeof useDefaults !== 'boolean' || typeof reportOnly !== 'boolean') {
    throw new TypeError(`${where}: contentSecurityPolicy.useDefaults and .reportOnly must be true or false`);
  }
  const directives = new Map<string, CspSources>(useDefaults ? Object.entries(DEFAULT_DIRECTIVES) : []);
  for (const [given, sources] of Object.entries(options.directives ?? {})) {
    const name = kebab(given);
    if (!DIRECTIVE_NAME.test(name)) throw new TypeError(`${where}: ${JSON.stringify(given)} is not a CSP directive name`);
    if (sources === null) {
      directives.delete(name);
      continue;
    }
    if (!Array.isArray(sources)) {
      throw new TypeError(`${where}: ${name} must be an array of sources such as ["'self'"] (or null to drop it), got ${typeof sources}`);
    }
    directives.set(name, (sources as unknown[]).map((source) => checkSource(source, name, where)));
  }
  if (directives.size === 0) throw new TypeError(`${where}: the policy has no directives; set contentSecurityPolicy: false to send none`);
  // The text between nonces: pieces[0] nonce pieces[1] nonce ... pieces[n].
  const pieces: string[] = [''];
  for (const [i, [name, sources]] of [...directives].entries()) {
    if (i > 0) pieces[pieces.length - 1] += ';';
    pieces[pieces.length - 1] += name;
    for (const source of sources) {
      pieces[pieces.length - 1] += ' ';
      if (source === NONCE) pieces.push('');
      else pieces[pieces.length - 1] += source;
    }
  }
  const header = reportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy';
  if (pieces.length === 1) {
    const value = pieces[0]!;
    return { header, value, withNonce: () => value };
  }
  return {
    header,
    value: undefined,
    withNonce(nonce) {
      const token = `'nonce-${nonce}'`;
      let text = pieces[0]!;
      for (let i = 1; i < pieces.length; i++) text += token + pieces[i]!;
      return text;
    },
  };
}
