/**
 * One request as `otel()` records it: the span (SERVER, or INTERNAL under an outer
 * HTTP instrumentation's SERVER span), its context, and what the response hooks of
 * core's `wrapResponse` tell it: the status (`start`), the end of the body's
 * iteration or its error (`end`), each step of the iteration, run inside the span's
 * context (`pull`), and the body's close (`close`), where the span ends and the
 * duration is recorded: a streamed response (SSE) is measured to its last event.
 *
 * How a request ended, as the conventions record it:
 * - the app threw (or its promise rejected) before returning a body: `error.type` is
 *   the error's class name, status 500 (what the gateway answers), span status ERROR;
 * - the body's iteration threw: `error.type` is the error's class name, status ERROR;
 * - the body was closed before its iteration ended (the client left), unless no body
 *   was due (HEAD, 1xx/204/205/304): `error.type` `ClientDisconnected`, status ERROR;
 * - a 5xx: `error.type` is the status code as a string, status ERROR. A 4xx is the
 *   client's error, not the server's: the span status stays unset.
 *
 * @example
 * const request = new RequestTelemetry(options, instruments.get(), environ);
 * return context.with(request.context, wrapResponse, undefined, app, environ, startResponse, HOOKS, request);
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#status
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-metrics/#http-server
 * @module
 */
import {
  context,
  INVALID_SPANID,
  INVALID_TRACEID,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { isNoContentStatus, statusCode, type Environ, type ResponseHead, type ResponseHooks } from '@tsgi/core';
import { environGetter } from './environ-getter.js';
import type { Instruments } from './instruments.js';
import type { ResolvedOptions } from './options.js';
import { outerServerSpan, publishRoute, type HttpRpcMetadata } from './outer-server-span.js';
import { normalizeMethod, protocolVersion, requestAttributes, type Method } from './request-attributes.js';

/** The environ keys this package reads and writes (docs/spec.md). */
export const ROUTE_KEY = 'tsgi.route';
export const TRACE_KEY = 'tsgi.trace';

/** `error.type` for a response the client did not wait for; core's name for that event. */
export const CLIENT_DISCONNECTED = 'ClientDisconnected';

/** The error's class name, as `error.type` wants it; `_OTHER` for a thrown non-object. */
export function errorType(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '_OTHER';
  const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name === 'string' && name !== '' && name !== 'Object') return name;
  const own = (error as { name?: unknown }).name;
  return typeof own === 'string' && own !== '' ? own : '_OTHER';
}

/**
 * `{METHOD} {route}` span names, made once per method and route: routes are templates,
 * few by design (the conventions chose them for low cardinality). Bounded all the same.
 */
const SPAN_NAMES = new Map<Method, Map<string, string>>();
const KEPT_NAMES = 1000;

function routeSpanName(method: Method, route: string): string {
  // A method outside the known set is a new object per request: nothing to keep.
  if (method.original !== undefined) return method.spanName + ' ' + route;
  let names = SPAN_NAMES.get(method);
  if (names === undefined) SPAN_NAMES.set(method, (names = new Map()));
  let name = names.get(route);
  if (name === undefined) {
    name = method.spanName + ' ' + route;
    if (names.size < KEPT_NAMES) names.set(route, name);
  }
  return name;
}

/**
 * Whether a span's ids may go into the environ for logs: not the API's invalid (all
 * zero) ones, which a non-recording span has. Checked by length and value rather than
 * isSpanContextValid's two regular expressions per request; an SDK makes hex ids.
 */
function hasIds(context: { traceId: string; spanId: string }): boolean {
  return context.traceId.length === 32 && context.spanId.length === 16 && context.traceId !== INVALID_TRACEID && context.spanId !== INVALID_SPANID;
}

/** A hook the user gave must not break the request: its error goes to wsgi.errors. */
function report(environ: Environ, hook: string, error: unknown): void {
  environ['wsgi.errors'].write(`otel: ${hook} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}

export class RequestTelemetry {
  readonly span: Span;
  /** The context the app and every step of its body run in: the span in it. */
  readonly context: Context;
  private readonly method: Method;
  private readonly scheme: string;
  private readonly version: string | undefined;
  private readonly outer: HttpRpcMetadata | undefined;
  private readonly activeAttributes: Attributes;
  private readonly startTime: number;
  private status = 0;
  private responseHeaders: Attributes | undefined = undefined;
  private error: unknown = undefined;
  private threw = false;
  private iterated = false;
  private finished = false;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly instruments: Instruments,
    readonly environ: Environ,
  ) {
    const method = (this.method = normalizeMethod(environ.REQUEST_METHOD));
    const scheme = (this.scheme = environ['wsgi.url_scheme'] === 'https' ? 'https' : 'http');
    this.version = protocolVersion(environ.SERVER_PROTOCOL);
    const attributes = requestAttributes(environ, method, scheme, this.version);
    if (options.headers.requestEnabled) options.headers.request(environ, attributes);

    const active = context.active();
    const outer = (this.outer = outerServerSpan(active));
    // Under an HTTP instrumentation its span is the parent and the headers were read;
    // otherwise the request's traceparent (if any) goes into the current context.
    const parent =
      outer !== undefined
        ? active
        : options.propagator !== undefined
          ? options.propagator.extract(active, environ, environGetter)
          : propagation.extract(active, environ, environGetter);
    const kind = outer === undefined ? SpanKind.SERVER : SpanKind.INTERNAL;
    const span = (this.span = instruments.tracer.startSpan(method.spanName, { kind, attributes }, parent));
    this.context = trace.setSpan(parent, span);
    const spanContext = span.spanContext();
    if (hasIds(spanContext)) environ[TRACE_KEY] = spanContext;

    if (instruments.metrics) {
      this.startTime = performance.now();
      this.activeAttributes = { 'http.request.method': method.attribute, 'url.scheme': scheme };
      instruments.active.add(1, this.activeAttributes);
    } else {
      this.startTime = 0;
      this.activeAttributes = {};
    }
    if (options.requestHook !== undefined) {
      try {
        options.requestHook(span, environ);
      } catch (error) {
        report(environ, 'requestHook', error);
      }
    }
  }

  /** The app started (or restarted, with excInfo) its response. */
  started(head: ResponseHead): void {
    this.status = statusCode(head.status);
    const options = this.options;
    if (options.headers.responseEnabled) this.responseHeaders = options.headers.response(head.headers);
    if (this.outer !== undefined) {
      const route = this.environ[ROUTE_KEY];
      if (typeof route === 'string') publishRoute(this.outer, route);
    }
    if (options.responseHook !== undefined) {
      try {
        options.responseHook(this.span, head, this.environ);
      } catch (error) {
        report(this.environ, 'responseHook', error);
      }
    }
  }

  /** The body's iteration finished, or threw `error`. */
  ended(error: unknown): void {
    this.iterated = true;
    if (error !== undefined) this.fail(error);
  }

  /** The app threw (or rejected) before returning a body: the gateway answers 500. */
  failed(error: unknown): void {
    this.fail(error);
    this.status = 500;
    this.finish();
  }

  private fail(error: unknown): void {
    if (this.threw) return;
    this.threw = true;
    this.error = error;
  }

  /** Once: the span's last attributes and its end, then the metrics. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const environ = this.environ;
    const status = this.status;
    const route = environ[ROUTE_KEY];
    const routed = typeof route === 'string';
    let failure: string | undefined;
    if (this.threw) failure = errorType(this.error);
    else if (!this.iterated && !this.bodiless()) failure = CLIENT_DISCONNECTED;
    else if (status >= 500) failure = String(status);

    const span = this.span;
    if (span.isRecording()) {
      if (status !== 0) span.setAttribute('http.response.status_code', status);
      if (routed) span.setAttribute('http.route', route);
      if (failure !== undefined) {
        span.setAttribute('error.type', failure);
        if (this.threw) span.recordException(this.error instanceof Error ? this.error : String(this.error));
        const message = this.threw && this.error instanceof Error ? this.error.message : undefined;
        span.setStatus(message === undefined ? { code: SpanStatusCode.ERROR } : { code: SpanStatusCode.ERROR, message });
      }
      if (this.responseHeaders !== undefined) span.setAttributes(this.responseHeaders);
      const name = this.spanName(route);
      if (name !== this.method.spanName) span.updateName(name);
    }
    span.end();
    if (this.outer !== undefined && routed) publishRoute(this.outer, route);

    const instruments = this.instruments;
    if (!instruments.metrics) return;
    instruments.active.add(-1, this.activeAttributes);
    // Under an HTTP instrumentation, it records the duration (with the route handed up).
    if (this.outer !== undefined) return;
    const attributes: Attributes = { 'http.request.method': this.method.attribute, 'url.scheme': this.scheme };
    if (status !== 0) attributes['http.response.status_code'] = status;
    if (routed) attributes['http.route'] = route;
    if (failure !== undefined) attributes['error.type'] = failure;
    if (this.version !== undefined) attributes['network.protocol.version'] = this.version;
    instruments.duration.record((performance.now() - this.startTime) / 1000, attributes);
  }

  private spanName(route: unknown): string {
    const factory = this.options.spanNameFactory;
    if (factory !== undefined) {
      try {
        return factory(this.environ);
      } catch (error) {
        report(this.environ, 'spanNameFactory', error);
      }
    }
    return typeof route === 'string' ? routeSpanName(this.method, route) : this.method.spanName;
  }

  /** No body was due, so none was iterated: HEAD, 1xx, 204, 205, 304. */
  private bodiless(): boolean {
    return this.environ.REQUEST_METHOD === 'HEAD' || (this.status !== 0 && isNoContentStatus(this.status));
  }
}

/** What core's response wrapper tells a request; one object for every request. */
export const HOOKS: ResponseHooks<RequestTelemetry> = {
  start(head, request) {
    request.started(head);
  },
  end(request, error) {
    request.ended(error);
  },
  pull(request, step) {
    return context.with(request.context, step);
  },
  close(request) {
    request.finish();
  },
};
