/**
 * `toLambda(app)`: a tsgi Application as an AWS Lambda handler for HTTP events: API
 * Gateway REST APIs (payload 1.0), HTTP APIs (payload 2.0), Application Load Balancer
 * targets and Lambda Function URLs, told apart by the event's shape.
 *
 * The response side is `@tsgi/fetch`'s gateway (the same PEP 3333 rules as on Bun,
 * Deno and Workers); this file only turns the event into a request and the response
 * into the result Lambda expects. The environ gets:
 * - `SCRIPT_NAME`: the stage when the URL carries it (`/prod` on
 *   `https://id.execute-api.region.amazonaws.com/prod/items`), or `scriptName`;
 *   `PATH_INFO` the rest, both latin-1 "bytes as a string" like every gateway's;
 * - `REMOTE_ADDR` from `sourceIp` (API Gateway) or `X-Forwarded-For` (ALB);
 *   `wsgi.url_scheme`, `SERVER_NAME`, `SERVER_PORT` from the Host and
 *   `X-Forwarded-Proto/Port` headers AWS sets;
 * - `lambda.event`, `lambda.context` and `lambda.request_context` (the event's
 *   `requestContext`: authorizer claims, request id, ...).
 *
 * Results: binary and compressed bodies as base64 (`isBase64Encoded`), `Set-Cookie`
 * in `cookies` (2.0) or `multiValueHeaders` (1.0, ALB). With `streaming: true` the
 * handler is wrapped in `awslambda.streamifyResponse` (Function URLs with
 * `InvokeMode: RESPONSE_STREAM`) and the body goes out chunk by chunk as the app yields.
 *
 * Bad input: an event that is not a well-typed HTTP event makes the handler reject
 * with a `LambdaEventError` naming the field ("toLambda: event.cookies must be an
 * array of strings, got number"), as Lambda should report it. A request no app should
 * see (a path without a leading '/', an absolute or scheme-relative URL, control
 * characters in the path raw or percent-encoded, a header value with CR/LF, a
 * Content-Length that is not a number) is answered 400 in the event kind's shape and
 * never reaches the app.
 *
 * @example
 * import { toLambda } from '@tsgi/lambda';
 * export const handler = toLambda(compose(accessLog(), gzip())(app));
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html
 * @module
 */
import { headerNameIs, type Application, type Environ } from '@tsgi/core';
import { decodePathInfo, type ErrorsOption } from '@tsgi/core/gateway';
import { toFetch } from '@tsgi/fetch';
import { readEvent, type EventRequest } from './event-request.js';
import type { LambdaContext, LambdaHttpEvent, LambdaHttpResult } from './events.js';
import { lambdaResult } from './lambda-result.js';
import { streamResponse, streamingRuntime, type StreamingHandler } from './streaming.js';

export interface ToLambdaOptions {
  /**
   * `wsgi.errors`: an ErrorStream, a stream with `write(text)`, or a function that gets
   * each message (the forms every gateway's `errors` takes). Lambda sends what goes to
   * `console.error` to CloudWatch Logs.
   * @default console.error
   */
  errors?: ErrorsOption;
  /**
   * A mount prefix moved from PATH_INFO to SCRIPT_NAME when no stage was found in the
   * path: a custom domain's base path mapping, or an ALB rule that forwards `/api/*`.
   * '' or starts with '/', no trailing '/'. The same option as `toFetch`'s and the adapters'.
   * @default ''
   */
  scriptName?: string;
  /** @deprecated Use `scriptName` (the same prefix, the name every other tsgi gateway uses); this name goes in the next minor. */
  basePath?: string;
  /**
   * More media types sent as text rather than base64 (text/*, JSON, XML, JavaScript,
   * form data and SVG already are).
   * @default []
   */
  textTypes?: readonly string[];
  /**
   * Stream the response through `awslambda.streamifyResponse` (the Node.js runtime's
   * global); for Function URLs with `InvokeMode: RESPONSE_STREAM`.
   * @default false
   */
  streaming?: boolean;
}

/** A buffered handler: `(event, context) => Promise<result>`. */
export type LambdaHandler = (event: LambdaHttpEvent, context?: LambdaContext) => Promise<LambdaHttpResult>;

interface Resolved {
  errors: ToLambdaOptions['errors'];
  scriptName: string;
  textTypes: ReadonlySet<string>;
  streaming: boolean;
}

function resolve(options: ToLambdaOptions): Resolved {
  if (options.scriptName !== undefined && options.basePath !== undefined && options.scriptName !== options.basePath) {
    throw new TypeError(
      `toLambda: give scriptName only (basePath is its deprecated old name), got scriptName ${JSON.stringify(options.scriptName)} ` +
        `and basePath ${JSON.stringify(options.basePath)}`,
    );
  }
  const name = options.scriptName === undefined && options.basePath !== undefined ? 'basePath' : 'scriptName';
  const scriptName = options.scriptName ?? options.basePath ?? '';
  if (typeof scriptName !== 'string' || (scriptName !== '' && (!scriptName.startsWith('/') || scriptName.endsWith('/')))) {
    throw new TypeError(`toLambda: ${name} must be '' or start with '/' and not end with one, got ${JSON.stringify(scriptName)}`);
  }
  const textTypes = options.textTypes ?? [];
  if (!Array.isArray(textTypes) || textTypes.some((type) => typeof type !== 'string')) {
    throw new TypeError('toLambda: textTypes must be an array of media types such as "application/x-yaml"');
  }
  if (options.streaming !== undefined && typeof options.streaming !== 'boolean') {
    throw new TypeError(`toLambda: streaming must be true or false, got ${String(options.streaming)}`);
  }
  return { errors: options.errors, scriptName, textTypes: new Set(textTypes.map((type) => type.toLowerCase())), streaming: options.streaming === true };
}

function header(request: EventRequest, name: string): string | undefined {
  let found: string | undefined;
  for (const [key, value] of request.headers) if (headerNameIs(key, name)) found = value;
  return found;
}

/** The environ keys that come from the event rather than from the Request. */
function eventEnviron(request: EventRequest, event: unknown, context: unknown): Partial<Environ> {
  const host = header(request, 'host') ?? '';
  const colon = host.lastIndexOf(':');
  const hasPort = colon > host.lastIndexOf(']');
  const proto = header(request, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  const scheme = proto === 'http' ? 'http' : 'https';
  const forwardedPort = header(request, 'x-forwarded-port')?.split(',')[0]?.trim();
  // SERVER_PORT is digits (PEP 3333 and lint); a Host or X-Forwarded-Port without them says nothing.
  const given = hasPort ? host.slice(colon + 1) : forwardedPort;
  const port = given !== undefined && DIGITS.test(given) ? given : scheme === 'https' ? '443' : '80';
  const target = request.scriptName + request.path;
  const environ: Partial<Environ> = {
    SCRIPT_NAME: decodePathInfo(request.scriptName),
    PATH_INFO: decodePathInfo(request.path),
    QUERY_STRING: request.query,
    REQUEST_URI: request.query === '' ? target : `${target}?${request.query}`,
    REMOTE_ADDR: request.remoteAddr,
    SERVER_NAME: (hasPort ? host.slice(0, colon) : host) || 'lambda',
    SERVER_PORT: port,
    'wsgi.url_scheme': scheme,
    'lambda.event': event,
    'lambda.context': context,
    'lambda.request_context': (event as { requestContext?: unknown }).requestContext,
  };
  // The Request's URL host is a placeholder; an event without Host keeps a real name.
  if (host === '') environ.HTTP_HOST = environ.SERVER_NAME;
  return environ;
}

const NO_BODY_METHODS = new Set(['GET', 'HEAD']);
const DIGITS = /^[0-9]+$/;

/**
 * The event as a fetch Request for toFetch; its URL only carries what the environ
 * overrides. Throws for what no HTTP request could carry: a header value or method a
 * Request refuses (CR/LF, a bad token), a Content-Length that is not a number.
 */
function fetchRequest(request: EventRequest): Request {
  const url = `https://lambda.invalid${request.scriptName}${request.path}${request.query === '' ? '' : '?' + request.query}`;
  const headers = new Headers();
  for (const [name, value] of request.headers) headers.append(name, value);
  const length = headers.get('content-length');
  if (length !== null && !DIGITS.test(length)) throw new TypeError(`Content-Length ${JSON.stringify(length)} is not a number`);
  const body = NO_BODY_METHODS.has(request.method.toUpperCase()) ? null : request.body;
  return new Request(url, { method: request.method, headers, body });
}

const BAD_REQUEST = 'Bad Request\n';

function badRequest(request: EventRequest): LambdaHttpResult {
  const result: LambdaHttpResult = { statusCode: 400, body: BAD_REQUEST, isBase64Encoded: false };
  if (request.kind === 'alb') result.statusDescription = '400 Bad Request';
  if (request.multiValue) result.multiValueHeaders = { 'content-type': ['text/plain; charset=utf-8'] };
  else result.headers = { 'content-type': 'text/plain; charset=utf-8' };
  return result;
}

export function toLambda(app: Application, options?: ToLambdaOptions & { streaming?: false }): LambdaHandler;
export function toLambda(app: Application, options: ToLambdaOptions & { streaming: true }): StreamingHandler;
export function toLambda(app: Application, options: ToLambdaOptions = {}): LambdaHandler | StreamingHandler {
  if (typeof app !== 'function') throw new TypeError('toLambda: app must be a function (environ, startResponse) => Body');
  const settings = resolve(options);
  const runtime = settings.streaming ? streamingRuntime() : undefined;
  const handle = toFetch(app, {
    ...(settings.errors === undefined ? {} : { errors: settings.errors }),
    environ: (_request, request, event, context) => eventEnviron(request as EventRequest, event, context),
  });

  async function respond(event: unknown, context: unknown): Promise<{ request: EventRequest; response: Response | null }> {
    // Throws a LambdaEventError for an event that is not a well-typed HTTP event.
    const request = readEvent(event, settings.scriptName);
    // A path no app should see (no leading '/', an absolute URL, control characters): 400.
    if (request.refusal !== undefined) return { request, response: null };
    let fetchable: Request;
    try {
      fetchable = fetchRequest(request);
    } catch {
      // What no HTTP request could carry: the client's fault.
      return { request, response: null };
    }
    return { request, response: await handle(fetchable, request, event, context) };
  }

  if (runtime !== undefined) {
    return runtime.streamifyResponse(async function tsgiLambdaStreamingHandler(event, responseStream, context) {
      const { request, response } = await respond(event, context);
      await streamResponse(runtime, responseStream, response, request);
    });
  }

  return async function tsgiLambdaHandler(event: LambdaHttpEvent, context?: LambdaContext): Promise<LambdaHttpResult> {
    const { request, response } = await respond(event, context);
    return response === null ? badRequest(request) : lambdaResult(response, request, settings.textTypes);
  };
}
