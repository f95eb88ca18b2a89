import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { compose, type Application } from '@tsgi/core';
import { otel } from '@tsgi/otel';
import { proxyFix } from '@tsgi/proxy-fix';
import { router, routingArgs } from '@tsgi/router';

// The SDK, once at start-up (in production: a BatchSpanProcessor and an OTLP exporter).
export const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const showUser: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode(`user ${routingArgs(environ)[1].id}\n`)];
};

// Outermost, right inside proxyFix; outside the router, whose route names the span.
export const app = compose(proxyFix(), otel({ ignore: ['/healthz'] }))(router().get('/users/:id', showUser));
