/**
 * One Lambda HTTP event, of any of the kinds `toLambda` takes, read into the few things
 * a gateway needs: method, path and mount prefix (both percent-encoded as sent), query
 * string, header list, body bytes and the client address. The environ is built from
 * this by `toLambda`, so that every event kind ends in the same environ.
 *
 * Where the kinds differ:
 * - the stage: REST API (1.0) events leave it out of `path` but keep it in
 *   `requestContext.path`; HTTP API (2.0) events keep it in `rawPath` on a named stage.
 *   Either way it becomes `SCRIPT_NAME`, so links the app builds include it.
 * - the query: 2.0 has it raw; 1.0 only as decoded parameters (encoded again here);
 *   ALB passes parameters exactly as sent, so they are joined, not encoded.
 * - headers: `multiValueHeaders` when the event has them, else `headers`; 2.0 moves
 *   the Cookie header into `cookies`, which is put back.
 * - the client: `sourceIp` on API Gateway, the last `X-Forwarded-For` entry on ALB
 *   (the address the load balancer itself saw).
 *
 * @example
 * const request = readEvent(event, '');
 * request.path; // '/items/42', request.scriptName: '/prod'
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 * @module
 */
import { Buffer } from 'node:buffer';
import type { AlbEvent, ApiGatewayV1Event, ApiGatewayV2Event } from './events.js';

/** `'v1'`: REST API / payload 1.0; `'v2'`: HTTP API payload 2.0 and Function URLs; `'alb'`. */
export type EventKind = 'v1' | 'v2' | 'alb';

export interface EventRequest {
  kind: EventKind;
  method: string;
  /** The path after the mount prefix, percent-encoded as sent; starts with '/'. */
  path: string;
  /** The mount prefix (stage or base path), percent-encoded; '' or starts with '/'. */
  scriptName: string;
  /** The query string without '?'. */
  query: string;
  headers: Array<[string, string]>;
  body: Uint8Array | null;
  remoteAddr: string;
  /** The event answers with `multiValueHeaders` (1.0, and ALB with them turned on). */
  multiValue: boolean;
}

/** Which kind of HTTP event this is, or null for anything else (an S3 or SQS event, say). */
export function eventKind(event: unknown): EventKind | null {
  if (typeof event !== 'object' || event === null) return null;
  const e = event as Record<string, unknown>;
  const context = e.requestContext as Record<string, unknown> | undefined;
  if (typeof context !== 'object' || context === null) return null;
  if (e.version === '2.0' && typeof e.rawPath === 'string') return 'v2';
  if (typeof e.httpMethod !== 'string' || typeof e.path !== 'string') return null;
  return typeof context.elb === 'object' && context.elb !== null ? 'alb' : 'v1';
}

/** Non-ASCII characters an integration decoded are sent on as their UTF-8 escapes. */
function asSent(path: string): string {
  return /[^\x00-\x7f]/.test(path) ? path.replace(/[^\x00-\x7f]+/g, (run) => encodeURIComponent(run)) : path;
}

function startsWithSegment(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + '/');
}

/** Moves `prefix` (a path without a trailing '/') from the front of the path into the mount. */
function mount(path: string, prefix: string): [scriptName: string, path: string] {
  if (prefix === '' || !startsWithSegment(path, prefix)) return ['', path];
  return [prefix, path.slice(prefix.length) || '/'];
}

function bodyOf(body: string | null | undefined, base64: boolean | undefined): Uint8Array | null {
  if (body === undefined || body === null || body === '') return null;
  return base64 === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

function headerList(single: Record<string, string> | null | undefined, multi: Record<string, string[]> | null | undefined): Array<[string, string]> {
  const list: Array<[string, string]> = [];
  if (multi) {
    for (const name of Object.keys(multi)) for (const value of multi[name] ?? []) list.push([name, value]);
  } else if (single) {
    for (const name of Object.keys(single)) list.push([name, single[name] as string]);
  }
  return list;
}

function lastForwardedFor(headers: Array<[string, string]>): string {
  let value = '';
  for (const [name, v] of headers) if (name.toLowerCase() === 'x-forwarded-for') value = v;
  const hops = value.split(',');
  return (hops[hops.length - 1] ?? '').trim();
}

function encodedQuery(params: Record<string, string[]>, encode: (text: string) => string): string {
  const parts: string[] = [];
  for (const name of Object.keys(params)) {
    for (const value of params[name] ?? []) parts.push(`${encode(name)}=${encode(value)}`);
  }
  return parts.join('&');
}

function multiParams(single: Record<string, string> | null | undefined, multi: Record<string, string[]> | null | undefined): Record<string, string[]> {
  if (multi) return multi;
  const params: Record<string, string[]> = {};
  if (single) for (const name of Object.keys(single)) params[name] = [single[name] as string];
  return params;
}

const asIs = (text: string): string => text;

function readV2(event: ApiGatewayV2Event, basePath: string): EventRequest {
  const context = event.requestContext;
  const headers = headerList(event.headers, undefined);
  if (event.cookies && event.cookies.length > 0) {
    for (let i = headers.length - 1; i >= 0; i--) if ((headers[i] as [string, string])[0].toLowerCase() === 'cookie') headers.splice(i, 1);
    headers.push(['cookie', event.cookies.join('; ')]);
  }
  let path = asSent(event.rawPath || '/');
  let scriptName = '';
  // On a named stage of the execute-api URL, the stage leads rawPath.
  const stage = context.stage;
  if (stage && stage !== '$default') [scriptName, path] = mount(path, '/' + encodeURIComponent(stage));
  if (scriptName === '') [scriptName, path] = mount(path, basePath);
  return {
    kind: 'v2',
    method: context.http.method,
    path,
    scriptName,
    query: event.rawQueryString ?? '',
    headers,
    body: bodyOf(event.body, event.isBase64Encoded),
    remoteAddr: context.http.sourceIp ?? '',
    multiValue: false,
  };
}

function readV1(event: ApiGatewayV1Event, basePath: string): EventRequest {
  let path = asSent(event.path || '/');
  let scriptName = '';
  // requestContext.path is what the client asked for: whatever stands in front of
  // `path` there (the stage, a base path mapping) is the mount.
  const full = (event.requestContext.path ? asSent(event.requestContext.path) : '').replace(/\/$/, '');
  const tail = path.replace(/\/$/, '');
  if (full.length > tail.length && full.endsWith(tail) && full.startsWith('/')) scriptName = full.slice(0, full.length - tail.length);
  if (scriptName === '') [scriptName, path] = mount(path, basePath);
  const params = multiParams(event.queryStringParameters, event.multiValueQueryStringParameters);
  return {
    kind: 'v1',
    method: event.httpMethod,
    path,
    scriptName,
    query: encodedQuery(params, encodeURIComponent),
    headers: headerList(event.headers, event.multiValueHeaders),
    body: bodyOf(event.body, event.isBase64Encoded),
    remoteAddr: event.requestContext.identity?.sourceIp ?? '',
    multiValue: true,
  };
}

function readAlb(event: AlbEvent, basePath: string): EventRequest {
  const headers = headerList(event.headers, event.multiValueHeaders);
  const [scriptName, path] = mount(asSent(event.path || '/'), basePath);
  const params = multiParams(event.queryStringParameters, event.multiValueQueryStringParameters);
  return {
    kind: 'alb',
    method: event.httpMethod,
    path,
    scriptName,
    query: encodedQuery(params, asIs),
    headers,
    body: bodyOf(event.body, event.isBase64Encoded),
    remoteAddr: lastForwardedFor(headers),
    multiValue: event.multiValueHeaders !== undefined && event.multiValueHeaders !== null,
  };
}

/**
 * Reads an event of a known kind. `basePath` ('' or '/x', no trailing '/') is a mount
 * prefix moved to SCRIPT_NAME when no stage was found, e.g. a custom domain's mapping.
 */
export function readEvent(event: unknown, kind: EventKind, basePath: string): EventRequest {
  if (kind === 'v2') return readV2(event as ApiGatewayV2Event, basePath);
  if (kind === 'v1') return readV1(event as ApiGatewayV1Event, basePath);
  return readAlb(event as AlbEvent, basePath);
}
