/**
 * An app whose requests are traced and measured by otel(), with the metrics exposed
 * at /metrics in Prometheus's text format: a PrometheusExporter reader (its own HTTP
 * server turned off) serialized by a small tsgi app, so the same endpoint works on any
 * runtime. Scraped by a real Prometheus in otel-prometheus.test.ts.
 *
 * Run it: `node --import tsx examples/otel-metrics.ts`, then `curl localhost:8000/metrics`.
 */
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Application } from '@tsgi/core';
import { otel } from '@tsgi/otel';
import { router, routingArgs } from '@tsgi/router';
import { serve } from '@tsgi/server';

const enc = (text: string) => new TextEncoder().encode(text);

const showUser: Application = (environ, startResponse) => {
  const [, { id }] = routingArgs(environ);
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [enc(JSON.stringify({ id }))];
};

/** `/metrics`: what the reader holds now, as Prometheus text. */
function metricsEndpoint(reader: PrometheusExporter): Application {
  const serializer = new PrometheusSerializer();
  return async function metricsApp(_environ, startResponse) {
    const { resourceMetrics } = await reader.collect();
    startResponse('200 OK', [['Content-Type', 'text/plain; version=0.0.4; charset=utf-8']]);
    return [enc(serializer.serialize(resourceMetrics))];
  };
}

export function createMetricsApp(): { app: Application; meterProvider: MeterProvider } {
  const reader = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const api = router().get('/users/:id', showUser).get('/metrics', metricsEndpoint(reader));
  // Scrapes are not traffic: no span, no metrics for them.
  return { app: otel({ meterProvider, ignore: ['/metrics'] })(api), meterProvider };
}

if (process.argv[1]?.endsWith('otel-metrics.ts')) {
  void serve(createMetricsApp().app, { port: 8000 }).then(({ url }) => console.log(`listening on ${url}, metrics at ${url}/metrics`));
}
