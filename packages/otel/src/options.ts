/**
 * The options of `otel()` and their resolution, once, at factory time: each is
 * checked against {@link DEFAULTS} and a bad one throws a `TypeError` naming it and
 * the value seen. Providers are kept as given (or `undefined` for the global ones,
 * looked up on the first request: an SDK is often started after the app module is
 * imported, and the global meter provider has no proxy that would catch up).
 *
 * @example
 * const resolved = resolveOptions({ ignore: ['/healthz'], captureRequestHeaders: ['x-request-id'] });
 * @module
 */
import type { MeterProvider, Span, TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import type { Environ, ResponseHead } from '@tsgi/core';
import { HeaderCapture } from './header-capture.js';

export interface OtelOptions {
  /**
   * Requests that get no span and no metrics: a list of paths (SCRIPT_NAME +
   * PATH_INFO as the request has them, compared whole: `'/healthz'`), or a predicate.
   * @default none
   */
  ignore?: readonly string[] | ((environ: Environ) => boolean);
  /**
   * Request headers recorded as `http.request.header.<name>` (lowercase), each a
   * one-element string array (repeated headers arrive joined with `, `).
   * @default []
   */
  captureRequestHeaders?: readonly string[];
  /** Response headers recorded as `http.response.header.<name>`, one array element per header line. @default [] */
  captureResponseHeaders?: readonly string[];
  /**
   * Header names whose captured values are replaced by `'REDACTED'`, added to the
   * ones that always are: `authorization`, `proxy-authorization`, `cookie`, `set-cookie`.
   * @default []
   */
  redactHeaders?: readonly string[];
  /** Called with the new span before the app runs (add attributes from the environ). @default none */
  requestHook?: (span: Span, environ: Environ) => void;
  /** Called with the span and the status and headers each time the app starts its response. @default none */
  responseHook?: (span: Span, head: Readonly<ResponseHead>, environ: Environ) => void;
  /** Where spans go. @default the global one (`trace.getTracerProvider()`) */
  tracerProvider?: TracerProvider;
  /** Where metrics go. @default the global one (`metrics.getMeterProvider()`), looked up on the first request */
  meterProvider?: MeterProvider;
  /** Reads `traceparent`/`tracestate` (or B3, ...) from the request. @default the global propagator */
  propagator?: TextMapPropagator;
  /**
   * The span's final name, called when the response ends (`tsgi.route` is known by
   * then). Spans start named by the method.
   * @default `{METHOD} {route}`, or `{METHOD}` when no route matched
   */
  spanNameFactory?: (environ: Environ) => string;
}

/** What a request needs from the options, resolved once. */
export interface ResolvedOptions {
  readonly ignore: ((environ: Environ) => boolean) | undefined;
  readonly headers: HeaderCapture;
  readonly requestHook: OtelOptions['requestHook'];
  readonly responseHook: OtelOptions['responseHook'];
  readonly tracerProvider: TracerProvider | undefined;
  readonly meterProvider: MeterProvider | undefined;
  readonly propagator: TextMapPropagator | undefined;
  readonly spanNameFactory: OtelOptions['spanNameFactory'];
}

const DEFAULTS = {
  ignore: [],
  captureRequestHeaders: [],
  captureResponseHeaders: [],
  redactHeaders: [],
  requestHook: undefined,
  responseHook: undefined,
  tracerProvider: undefined,
  meterProvider: undefined,
  propagator: undefined,
  spanNameFactory: undefined,
} satisfies Record<keyof OtelOptions, unknown>;

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'function' ? 'a function' : String(value);
}

function stringList(name: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw new TypeError(`otel: ${name} must be an array of header names (strings), got ${show(value)}`);
  }
  return value as string[];
}

function optionalFunction<F>(name: string, value: unknown): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`otel: ${name} must be a function, got ${show(value)}`);
  }
  return value as F | undefined;
}

function provider<P>(name: string, value: unknown, method: string): P | undefined {
  if (value === undefined) return undefined;
  if (typeof (value as Record<string, unknown> | null)?.[method] !== 'function') {
    throw new TypeError(`otel: ${name} must have ${/^[aeiou]/.test(method) ? 'an' : 'a'} ${method}() method (from the OpenTelemetry SDK), got ${show(value)}`);
  }
  return value as P;
}

function resolveIgnore(value: unknown): ((environ: Environ) => boolean) | undefined {
  if (typeof value === 'function') return value as (environ: Environ) => boolean;
  if (!Array.isArray(value) || !value.every((path) => typeof path === 'string' && path.startsWith('/'))) {
    throw new TypeError(`otel: ignore must be an array of paths starting with '/' or a function, got ${show(value)}`);
  }
  if (value.length === 0) return undefined;
  const paths = new Set<string>(value as string[]);
  return function ignoredPath(environ: Environ): boolean {
    return paths.has((environ.SCRIPT_NAME ?? '') + (environ.PATH_INFO ?? ''));
  };
}

export function resolveOptions(options: OtelOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`otel: options must be an object, got ${show(options)}`);
  for (const key of Object.keys(options)) {
    if (!(key in DEFAULTS)) throw new TypeError(`otel: unknown option ${JSON.stringify(key)} (known: ${Object.keys(DEFAULTS).join(', ')})`);
  }
  return {
    ignore: resolveIgnore(options.ignore ?? DEFAULTS.ignore),
    headers: new HeaderCapture(
      stringList('captureRequestHeaders', options.captureRequestHeaders ?? DEFAULTS.captureRequestHeaders),
      stringList('captureResponseHeaders', options.captureResponseHeaders ?? DEFAULTS.captureResponseHeaders),
      stringList('redactHeaders', options.redactHeaders ?? DEFAULTS.redactHeaders),
    ),
    requestHook: optionalFunction('requestHook', options.requestHook),
    responseHook: optionalFunction('responseHook', options.responseHook),
    tracerProvider: provider('tracerProvider', options.tracerProvider, 'getTracer'),
    meterProvider: provider('meterProvider', options.meterProvider, 'getMeter'),
    propagator: provider('propagator', options.propagator, 'extract'),
    spanNameFactory: optionalFunction('spanNameFactory', options.spanNameFactory),
  };
}
