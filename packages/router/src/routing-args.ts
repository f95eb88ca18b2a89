/**
 * `wsgiorg.routing_args`: where a router leaves what it matched, as
 * `[positional, named]`, and the decoding of param values on the way in. Also
 * `tsgi.route`: the template of the matched route, SCRIPT_NAME first
 * (`/api/users/:id`), for telemetry and logs that must group requests by route
 * (OpenTelemetry's `http.route`), never by the path with its ids.
 *
 * The gateway has already percent-decoded PATH_INFO into latin-1 "bytes as string"
 * (PEP 3333), so params are NOT percent-decoded again (that would turn `%2541` into
 * `A`); their bytes are decoded as UTF-8, strictly: invalid UTF-8 (a malformed or
 * truncated escape such as `%E2%82`) is the client's error, answered with 400, as
 * is a malformed escape (`%zz`) when the raw target is known from REQUEST_URI.
 *
 * @example
 * const show: Application = (environ, startResponse) => {
 *   const [, { id }] = routingArgs(environ);
 *   startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *   return [Buffer.from(`user ${id}`)];
 * };
 * @see https://wsgi.readthedocs.io/en/latest/specifications/routing_args.html
 * @module
 */
import { nativeBytes, type Environ } from '@tsgi/core';

export const ROUTING_ARGS = 'wsgiorg.routing_args';
/** The environ key for the matched route template (docs/spec.md, lint rule `environ.route`). */
export const ROUTE = 'tsgi.route';

/** `[positional, named]`, as the wsgiorg.routing_args specification defines it. */
export type RoutingArgs = [positional: string[], named: Record<string, string>];

/** The routing args a router (or any wsgiorg-aware dispatcher) left in `environ`; `[[], {}]` when none. */
export function routingArgs(environ: Environ): RoutingArgs {
  const args = environ[ROUTING_ARGS];
  return Array.isArray(args) && args.length === 2 ? (args as RoutingArgs) : [[], {}];
}

/** The route template a router (or urlMap) left in `environ`, e.g. `/api/users/:id`; undefined when none matched. */
export function routeTemplate(environ: Environ): string | undefined {
  const route = environ[ROUTE];
  return typeof route === 'string' ? route : undefined;
}

/**
 * Publishes `template` (a pattern as written, or a mount's `/prefix/*`) under the
 * mount point: SCRIPT_NAME, whose bytes are decoded as UTF-8 to read like the
 * template, is put first. So routers and urlMaps nested in each other compose.
 */
export function setRoute(environ: Environ, template: string): void {
  const script = environ.SCRIPT_NAME;
  environ[ROUTE] = script ? (decodePathBytes(script) ?? script) + template : template;
}

/** A miss: no route matched here, whatever an outer mount had said. */
export function clearRoute(environ: Environ): void {
  if (environ[ROUTE] !== undefined) delete environ[ROUTE];
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a PATH_INFO substring (one latin-1 code unit per byte) as UTF-8. Returns
 * `null` for invalid UTF-8 or a code unit above 0xFF (not bytes at all).
 */
export function decodePathBytes(value: string): string | null {
  let i = 0;
  while (i < value.length && value.charCodeAt(i) < 0x80) i++;
  if (i === value.length) return value; // ASCII: nothing to decode, no copy
  for (let j = i; j < value.length; j++) if (value.charCodeAt(j) > 0xff) return null;
  try {
    return utf8.decode(nativeBytes(value));
  } catch {
    return null;
  }
}

/** ASCII with no '%': the usual param, which needs neither decoding nor a look at the raw target. */
function plain(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x80 || code === 37) return false;
  }
  return true;
}

// A '%' that does not start an escape, in the path part of a request target.
const MALFORMED = /%(?![0-9A-Fa-f]{2})/;

/**
 * Whether the request target had a malformed escape (`%zz`, a lone `%`). Gateways
 * decode leniently and keep such a '%' as it is, where it looks like a decoded `%25`;
 * so this is asked only when a param holds a '%', and answered from REQUEST_URI
 * (the raw target, which tsgi's server sets) when there is one.
 */
function malformedTarget(environ: Environ): boolean {
  const target = environ.REQUEST_URI;
  if (typeof target !== 'string') return false;
  const query = target.indexOf('?');
  return MALFORMED.test(query === -1 ? target : target.slice(0, query));
}

/**
 * Decodes the params of a match and stores them under `names` in
 * `environ['wsgiorg.routing_args']`, adding to what an outer router left there. Each
 * value is `path.slice(bounds[2i], bounds[2i + 1])` (what `Matcher.lookup` leaves). A
 * wildcard named `'*'` goes to the positional list. Returns false (answer 400) when a
 * value is not valid UTF-8 or came from a malformed percent-escape.
 */
export function setRoutingArgs(environ: Environ, names: readonly string[], path: string, bounds: readonly number[]): boolean {
  const outer = environ[ROUTING_ARGS] as RoutingArgs | undefined;
  const positional: string[] = outer ? outer[0].slice() : [];
  const named: Record<string, string> = outer ? { ...outer[1] } : {};
  for (let i = 0; i < names.length; i++) {
    const raw = path.slice(bounds[2 * i]!, bounds[2 * i + 1]!);
    let value: string | null = raw;
    if (!plain(raw)) {
      value = decodePathBytes(raw);
      if (value === null || (raw.includes('%') && malformedTarget(environ))) return false;
    }
    if (names[i] === '*') positional.push(value);
    else named[names[i]!] = value;
  }
  environ[ROUTING_ARGS] = [positional, named];
  return true;
}
