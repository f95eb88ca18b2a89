/**
 * `ipRestriction({ allow, deny })`: lets a request through only when its client
 * address (`REMOTE_ADDR`) is allowed, like nginx's `allow`/`deny`, Hono's
 * `ipRestriction` and Rack::Attack's safelists/blocklists. Both lists take addresses
 * and CIDR ranges, IPv4 and IPv6 (`'10.0.0.0/8'`, `'2001:db8::/32'`, `'*'` for all);
 * an IPv4-mapped address (`::ffff:10.1.2.3`, a dual-stack socket's IPv4 client) is
 * its IPv4 address. The matcher is `@tsgi/proxy-fix`'s, compiled once.
 *
 * The rule: a request whose address is in `deny` is refused (deny wins); else, when
 * there is an `allow` list, one whose address is not in it is refused (an empty
 * `allow` lets no one in); else it passes. A request without a usable address
 * (no `REMOTE_ADDR`, or one that is not an IP) is refused: this layer fails closed.
 * A refusal is `403 Forbidden` with a one-line reason; the app is not called. The
 * request and response of one that passes are untouched.
 *
 * Where in the stack: after `proxyFix()` (behind a proxy, `REMOTE_ADDR` is the
 * proxy until proxyFix sets the client's), before auth, routers and the app; inside
 * the access log, which then logs the refusals. Per route by mounting it there.
 *
 * @example
 * import { ipRestriction } from '@tsgi/ip-restriction';
 * const admin = ipRestriction({ allow: ['10.0.0.0/8', '::1'], deny: ['10.0.66.0/24'] })(adminApp);
 *
 * @see https://nginx.org/en/docs/http/ngx_http_access_module.html
 * @see https://www.rfc-editor.org/rfc/rfc4632 (CIDR)
 * @module
 */
import { HttpError, statusLine, type Application, type Body, type Environ, type Middleware, type StartResponse } from '@tsgi/core';
import { compileIpMatcher, parseIp } from '@tsgi/proxy-fix';

export interface IpRestrictionOptions {
  /** Addresses and CIDR ranges let through; when given, every other address is refused. @default undefined: all but `deny` */
  allow?: readonly string[];
  /** Addresses and CIDR ranges refused, even when `allow` has them. @default [] */
  deny?: readonly string[];
  /**
   * Throw core's `HttpError` instead of answering an error itself, with the status and
   * headers that answer would carry, for `httpErrors()` from `@tsgi/errors` above to
   * render. Here: the 403.
   * @default false
   */
  throwHttpErrors?: boolean;
}

const DEFAULTS = {
  allow: undefined,
  deny: [],
  throwHttpErrors: false,
} satisfies Record<keyof IpRestrictionOptions, unknown>;

const FORBIDDEN = statusLine(403);
const encoder = new TextEncoder();

/** Why `address` may not pass, or undefined when it may. */
type Verdict = (address: unknown) => string | undefined;

function compileVerdict(allow: readonly string[] | undefined, deny: readonly string[]): Verdict {
  const denied = compileIpMatcher(deny, 'ipRestriction: deny');
  const allowed = allow === undefined ? undefined : compileIpMatcher(allow, 'ipRestriction: allow');
  function decide(address: string): string | undefined {
    // Echoed only when it is an address: behind a proxy it came from a header.
    if (parseIp(address) === null) return 'the client address is not an IP address';
    if (denied(address)) return `client address ${address} is denied`;
    if (allowed !== undefined && !allowed(address)) return `client address ${address} is not allowed`;
    return undefined;
  }
  // Clients repeat: one map lookup for an address seen before (bounded, so a client
  // rotating through an IPv6 /64 cannot grow it).
  // '' stands for "passes" in it, so that a hit is one lookup.
  const seen = new Map<string, string>();
  return function verdict(address) {
    if (typeof address !== 'string' || address === '') return 'the client address is unknown';
    let reason = seen.get(address);
    if (reason === undefined) {
      reason = decide(address) ?? '';
      if (seen.size < 4096) seen.set(address, reason);
    }
    return reason === '' ? undefined : reason;
  };
}

/** Lets requests through by client address: `deny` first, then `allow`. */
export function ipRestriction(options: IpRestrictionOptions): Middleware {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`ipRestriction: options must be an object with allow, deny or both, got ${String(options)}`);
  }
  if (options.allow === undefined && options.deny === undefined) {
    throw new TypeError('ipRestriction: give allow, deny or both (lists of addresses and CIDR ranges), got neither');
  }
  const throwHttpErrors = options.throwHttpErrors ?? DEFAULTS.throwHttpErrors;
  if (typeof throwHttpErrors !== 'boolean') throw new TypeError(`ipRestriction: throwHttpErrors must be true or false, got ${String(throwHttpErrors)}`);
  const verdict = compileVerdict(options.allow ?? DEFAULTS.allow, options.deny ?? DEFAULTS.deny);

  function refuse(reason: string, startResponse: StartResponse): Body {
    if (throwHttpErrors) throw new HttpError(403, reason);
    const body = encoder.encode(reason + '\n');
    startResponse(FORBIDDEN, [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(body.byteLength)],
    ]);
    return [body];
  }

  return function ipRestrictionMiddleware(app: Application): Application {
    return function ipRestrictionApp(environ: Environ, startResponse: StartResponse) {
      const reason = verdict(environ.REMOTE_ADDR);
      return reason === undefined ? app(environ, startResponse) : refuse(reason, startResponse);
    };
  };
}
