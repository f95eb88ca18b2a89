/**
 * `otel(options)`: OpenTelemetry for a tsgi stack, by the stable HTTP semantic
 * conventions, as opentelemetry-instrumentation-wsgi does for WSGI. Each request gets
 * a SERVER span (named `{METHOD}`, renamed `{METHOD} {route}` once `tsgi.route` says
 * which route matched), parented by an incoming `traceparent`, active while the app
 * runs *and* while its body is pulled (child spans from a streaming body land in it),
 * and ended when the body is closed; `http.server.request.duration` and
 * `http.server.active_requests` are recorded beside it. The span's context goes to
 * `environ['tsgi.trace']`, for logs (the access log's JSON lines carry `trace_id` and
 * `span_id`).
 *
 * Where it goes: outermost, right inside `proxyFix()` (so the scheme, host and client
 * address are the client's) and outside the router (whose `tsgi.route` it reads when
 * the response ends). It needs only `@opentelemetry/api`: with no SDK registered it
 * calls the app and does nothing else. Under `@opentelemetry/instrumentation-http` (Node) it makes no second
 * SERVER span: its span is INTERNAL, and the route goes up to that instrumentation's.
 *
 * @example
 * const app = compose(proxyFix({ trustedProxies: ['10.0.0.1'] }), otel({ ignore: ['/healthz'] }), accessLog({ format: 'json' }))(
 *   router().get('/users/:id', showUser),
 * );
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-metrics/
 * @see https://www.w3.org/TR/trace-context/
 * @module
 */
import { context } from '@opentelemetry/api';
import { isPromise, wrapResponse, type Application, type Body, type Environ, type Middleware, type StartResponse } from '@tsgi/core';
import { LazyInstruments } from './instruments.js';
import { resolveOptions, type OtelOptions } from './options.js';
import { HOOKS, RequestTelemetry } from './request-telemetry.js';

export function otel(options: OtelOptions = {}): Middleware {
  const resolved = resolveOptions(options);
  const instruments = new LazyInstruments(resolved.tracerProvider, resolved.meterProvider);
  const ignore = resolved.ignore;

  return function otelMiddleware(app: Application): Application {
    if (typeof app !== 'function') throw new TypeError(`otel: the app must be an Application (a function), got ${String(app)}`);
    return function otelApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      if (ignore !== undefined && ignore(environ)) return app(environ, startResponse);
      const made = instruments.get();
      // No SDK for either: nothing would be recorded, so nothing is done.
      if (!made.metrics && !instruments.tracing()) return app(environ, startResponse);
      const request = new RequestTelemetry(resolved, made, environ);
      let result: Body | Promise<Body>;
      try {
        result = context.with(request.context, wrapResponse<RequestTelemetry>, undefined, app, environ, startResponse, HOOKS, request);
      } catch (error) {
        request.failed(error);
        throw error;
      }
      if (isPromise(result)) {
        return Promise.resolve(result).then(
          (body) => returned(request, body),
          (error: unknown) => {
            request.failed(error);
            throw error;
          },
        );
      }
      return returned(request, result);
    };
  };
}

/** A value that is no body will never be closed: end the span now (the gateway reports it). */
function returned(request: RequestTelemetry, body: Body): Body {
  if (typeof body !== 'object' || body === null) request.failed(new TypeError(`the app returned ${String(body)}, not a body`));
  return body;
}
