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
 * Every field is checked as it is read (`event-error.ts`): a field of the wrong type
 * throws a `LambdaEventError` naming it. A path no app should get as `PATH_INFO` (no
 * leading '/', an absolute or scheme-relative URL, control characters raw or
 * percent-encoded) is not an error of the event but of the request: it is read, and
 * `refusal` says why it gets a 400.
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
import { headerNameIs } from '@tsgi/core';
import {
  LambdaEventError,
  kindOf,
  object,
  optionalBoolean,
  optionalObject,
  optionalString,
  optionalStringRecord,
  optionalStrings,
  optionalStringsRecord,
  string,
  wellFormed,
  wellFormedParams,
} from './event-error.js';
import { asSent, badPath, badTarget, mount } from './request-path.js';

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
  /** Why this request gets a 400 without reaching the app, if it does. */
  refusal?: string;
}

type Fields = Record<string, unknown>;

/** Which kind of HTTP event this is, or null for anything else (an S3 or SQS event, say). */
export function eventKind(event: unknown): EventKind | null {
  if (typeof event !== 'object' || event === null) return null;
  const e = event as Fields;
  const context = e.requestContext as Fields | undefined;
  if (typeof context !== 'object' || context === null) return null;
  if (e.version === '2.0' && typeof e.rawPath === 'string') return 'v2';
  if (typeof e.httpMethod !== 'string' || typeof e.path !== 'string') return null;
  return typeof context.elb === 'object' && context.elb !== null ? 'alb' : 'v1';
}

/**
 * The kind an event means to be, from the fields only its kind has, before they are
 * checked: so that a 2.0 event without `requestContext.http` is told so, rather than
 * that it is no HTTP event at all.
 */
function intendedKind(event: unknown): EventKind {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new LambdaEventError('event', `the event must be an object, got ${kindOf(event)}`);
  }
  const e = event as Fields;
  const context = typeof e.requestContext === 'object' && e.requestContext !== null ? (e.requestContext as Fields) : {};
  const has = (value: unknown): boolean => typeof value === 'object' && value !== null;
  if (e.version === '2.0' || 'rawPath' in e || has(context.http)) return 'v2';
  if (has(context.elb)) return 'alb';
  if ('httpMethod' in e || 'path' in e) return 'v1';
  const keys = Object.keys(e).slice(0, 6).join(', ') || 'none';
  throw new LambdaEventError(
    'event',
    `the event is not an API Gateway (1.0/2.0), ALB or Function URL HTTP event (keys: ${keys}); route other event sources to another handler`,
  );
}

function bodyOf(e: Fields): Uint8Array | null {
  const body = optionalString(e.body, 'event.body');
  const base64 = optionalBoolean(e.isBase64Encoded, 'event.isBase64Encoded');
  if (body === undefined || body === '') return null;
  return base64 === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** `headers` and `multiValueHeaders` as one list, from the multi-value form when there is one. */
function headerList(e: Fields): { list: Array<[string, string]>; multi: boolean } {
  const single = optionalStringRecord(e.headers, 'event.headers');
  const multi = optionalStringsRecord(e.multiValueHeaders, 'event.multiValueHeaders');
  const list: Array<[string, string]> = [];
  if (multi) {
    for (const name of Object.keys(multi)) for (const value of multi[name]!) list.push([name, value]);
  } else if (single) {
    for (const name of Object.keys(single)) list.push([name, single[name]!]);
  }
  return { list, multi: multi !== undefined };
}

function lastForwardedFor(headers: Array<[string, string]>): string {
  let value = '';
  for (const [name, v] of headers) if (headerNameIs(name, 'x-forwarded-for')) value = v;
  const hops = value.split(',');
  return (hops[hops.length - 1] ?? '').trim();
}

/** `queryStringParameters` and `multiValueQueryStringParameters` as one, checked. */
function queryParams(e: Fields): Record<string, string[]> {
  const single = optionalStringRecord(e.queryStringParameters, 'event.queryStringParameters');
  const multi = optionalStringsRecord(e.multiValueQueryStringParameters, 'event.multiValueQueryStringParameters');
  if (single) wellFormedParams(single, 'event.queryStringParameters');
  if (multi) {
    wellFormedParams(multi, 'event.multiValueQueryStringParameters');
    return multi;
  }
  const params: Record<string, string[]> = {};
  if (single) for (const name of Object.keys(single)) params[name] = [single[name]!];
  return params;
}

function encodedQuery(params: Record<string, string[]>, encode: (text: string) => string): string {
  const parts: string[] = [];
  for (const name of Object.keys(params)) {
    for (const value of params[name]!) parts.push(`${encode(name)}=${encode(value)}`);
  }
  return parts.join('&');
}

/** A client address: AWS writes an IP, a console test `test-invoke-source-ip`; never other text. */
function sourceIp(value: unknown, field: string): string {
  const ip = optionalString(value, field) ?? '';
  if (/[^\x21-\x7e]/.test(ip)) throw new LambdaEventError(field, `${field} must be an IP address, got ${JSON.stringify(ip)}`);
  return ip;
}

function readV2(e: Fields, basePath: string): EventRequest {
  const context = object(e.requestContext, 'event.requestContext');
  const http = object(context.http, 'event.requestContext.http');
  const method = string(http.method, 'event.requestContext.http.method');
  const rawPath = string(e.rawPath, 'event.rawPath') || '/';
  const query = asSent(wellFormed(optionalString(e.rawQueryString, 'event.rawQueryString') ?? '', 'event.rawQueryString'));
  const cookies = optionalStrings(e.cookies, 'event.cookies');
  const stage = optionalString(context.stage, 'event.requestContext.stage');
  const { list: headers } = headerList({ headers: e.headers });
  if (cookies && cookies.length > 0) {
    for (let i = headers.length - 1; i >= 0; i--) if (headerNameIs(headers[i]![0], 'cookie')) headers.splice(i, 1);
    headers.push(['cookie', cookies.join('; ')]);
  }
  const request: EventRequest = {
    kind: 'v2',
    method,
    path: rawPath,
    scriptName: '',
    query,
    headers,
    body: bodyOf(e),
    remoteAddr: sourceIp(http.sourceIp, 'event.requestContext.http.sourceIp'),
    multiValue: false,
  };
  request.refusal = badPath(rawPath);
  if (request.refusal !== undefined) return request;
  let path = asSent(rawPath);
  let scriptName = '';
  // On a named stage of the execute-api URL, the stage leads rawPath.
  if (stage && stage !== '$default') [scriptName, path] = mount(path, '/' + encodeURIComponent(wellFormed(stage, 'event.requestContext.stage')));
  if (scriptName === '') [scriptName, path] = mount(path, basePath);
  return Object.assign(request, { path, scriptName, refusal: badTarget(scriptName, path) });
}

function readV1(e: Fields, basePath: string): EventRequest {
  const context = object(e.requestContext, 'event.requestContext');
  const identity = optionalObject(context.identity, 'event.requestContext.identity');
  const method = string(e.httpMethod, 'event.httpMethod');
  const rawPath = string(e.path, 'event.path') || '/';
  const contextPath = optionalString(context.path, 'event.requestContext.path');
  const { list: headers } = headerList(e);
  const request: EventRequest = {
    kind: 'v1',
    method,
    path: rawPath,
    scriptName: '',
    query: encodedQuery(queryParams(e), encodeURIComponent),
    headers,
    body: bodyOf(e),
    remoteAddr: sourceIp(identity?.sourceIp, 'event.requestContext.identity.sourceIp'),
    multiValue: true,
  };
  request.refusal = badPath(rawPath) ?? (contextPath === undefined ? undefined : badPath(contextPath));
  if (request.refusal !== undefined) return request;
  let path = asSent(rawPath);
  let scriptName = '';
  // requestContext.path is what the client asked for: whatever stands in front of
  // `path` there (the stage, a base path mapping) is the mount.
  const full = (contextPath ? asSent(contextPath) : '').replace(/\/$/, '');
  const tail = path.replace(/\/$/, '');
  if (full.length > tail.length && full.endsWith(tail) && full.startsWith('/')) scriptName = full.slice(0, full.length - tail.length);
  if (scriptName === '') [scriptName, path] = mount(path, basePath);
  return Object.assign(request, { path, scriptName, refusal: badTarget(scriptName, path) });
}

function readAlb(e: Fields, basePath: string): EventRequest {
  object(e.requestContext, 'event.requestContext');
  const method = string(e.httpMethod, 'event.httpMethod');
  const rawPath = string(e.path, 'event.path') || '/';
  const { list: headers, multi } = headerList(e);
  const request: EventRequest = {
    kind: 'alb',
    method,
    path: rawPath,
    scriptName: '',
    // The load balancer passes parameters as sent, so they are joined, not encoded.
    query: encodedQuery(queryParams(e), asSent),
    headers,
    body: bodyOf(e),
    remoteAddr: lastForwardedFor(headers),
    multiValue: multi,
  };
  request.refusal = badPath(rawPath);
  if (request.refusal !== undefined) return request;
  const [scriptName, path] = mount(asSent(rawPath), basePath);
  return Object.assign(request, { path, scriptName, refusal: badTarget(scriptName, path) });
}

/**
 * Reads and checks an HTTP event of any kind; a `LambdaEventError` for one that is not.
 * `basePath` ('' or '/x', no trailing '/') is a mount prefix moved to SCRIPT_NAME when
 * no stage was found, e.g. a custom domain's mapping.
 */
export function readEvent(event: unknown, basePath: string): EventRequest {
  const kind = intendedKind(event);
  const e = event as Fields;
  if (kind === 'v2') return readV2(e, basePath);
  if (kind === 'v1') return readV1(e, basePath);
  return readAlb(e, basePath);
}
