/**
 * With only @opentelemetry/api (no SDK registered), otel() calls the app and does
 * nothing else: the app's own body is handed up, nothing is put in the environ. An SDK
 * registered later is found on the next request; a meter provider alone still gets
 * its metrics.
 */
import { trace } from '@opentelemetry/api';
import type { Application, Body } from '@tsgi/core';
import { otel } from '@tsgi/otel';
import { testClient } from '@tsgi/testing';
import { testSdk } from './sdk.js';

const body = [new TextEncoder().encode('hi')];
const hello: Application = (_environ, start) => {
  start('200 OK', [['Content-Type', 'text/plain']]);
  return body;
};

test('no SDK: the app body itself comes back, no tsgi.trace; an SDK registered afterwards is used at once', async () => {
  const app = otel()(hello);
  let returned: Body | Promise<Body> | undefined;
  const res = await testClient((environ, start) => (returned = app(environ, start))).get('/');
  expect(res.text).toBe('hi');
  expect(returned).toBe(body);
  expect(res.environ['tsgi.trace']).toBeUndefined();

  const sdk = testSdk();
  trace.setGlobalTracerProvider(sdk.tracerProvider);
  try {
    const traced = await testClient(app).get('/');
    expect(traced.environ['tsgi.trace']).toBeDefined();
    expect(sdk.serverSpans().map((s) => s.name)).toEqual(['GET']);
  } finally {
    trace.disable();
    await sdk.shutdown();
  }
});

test('a meter provider alone: metrics are recorded though no span is made', async () => {
  const sdk = testSdk();
  try {
    const app = otel({ meterProvider: sdk.meterProvider })(hello);
    await testClient(app).get('/');
    const [point] = await sdk.durations();
    expect(point).toMatchObject({ count: 1, attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200 } });
    expect(sdk.spans()).toEqual([]);
  } finally {
    await sdk.shutdown();
  }
});
