/**
 * Telling that a SERVER span for this request already exists: on Node under
 * `@opentelemetry/instrumentation-http`, the http server's `request` handler runs
 * in a context holding that instrumentation's span and its "RPC metadata"
 * (`{ type: 'http', span, route? }`), which it reads back when the response ends to
 * set `http.route` and name the span `{METHOD} {route}`. `@fastify/otel` and
 * `@opentelemetry/instrumentation-express` fill in the route the same way.
 *
 * Then otel() makes no second SERVER span: its own is INTERNAL, a child of that one,
 * and it hands the route up through the metadata (and sets `http.route` on the outer
 * span at once, for processors that read it before the end). The metadata lives in
 * `@opentelemetry/core`; its context key is `createContextKey` of a fixed description,
 * which is `Symbol.for(description)`, so the same key is made here from the API alone.
 *
 * @example
 * const outer = outerServerSpan(context.active());
 * if (outer !== undefined) outer.route = '/users/:id';
 * @see https://github.com/open-telemetry/opentelemetry-js/blob/main/packages/opentelemetry-core/src/trace/rpc-metadata.ts
 * @module
 */
import { createContextKey, type Context, type Span } from '@opentelemetry/api';

const RPC_METADATA_KEY = createContextKey('OpenTelemetry SDK Context Key RPC_METADATA');

/** The metadata an HTTP server instrumentation keeps for its request (core's `HTTPMetadata`). */
export interface HttpRpcMetadata {
  type: 'http';
  span: Span;
  route?: string;
}

/** The outer HTTP instrumentation's metadata in `context`, or undefined when there is none. */
export function outerServerSpan(context: Context): HttpRpcMetadata | undefined {
  const metadata = context.getValue(RPC_METADATA_KEY) as Partial<HttpRpcMetadata> | undefined;
  if (metadata?.type !== 'http' || typeof metadata.span?.setAttribute !== 'function') return undefined;
  return metadata as HttpRpcMetadata;
}

/** Hands the route up: the outer instrumentation names its span and its metrics by it. */
export function publishRoute(outer: HttpRpcMetadata, route: string): void {
  if (outer.route === route) return;
  outer.route = route;
  outer.span.setAttribute('http.route', route);
}
