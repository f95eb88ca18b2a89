/**
 * otel() and accessLog() in one stack over a real socket: each JSON line carries the
 * route and the trace_id/span_id of the request's span (through tsgi.route and
 * tsgi.trace, with no OpenTelemetry import in the logger), so a line finds its trace.
 */
import type { Application } from '@tsgi/core';
import { compose } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { accessLog } from '@tsgi/logger';
import { otel } from '@tsgi/otel';
import { router } from '@tsgi/router';
import { serve } from '@tsgi/server';
import { eventually, testSdk } from './sdk.js';

const sdk = testSdk();
const hello: Application = (_environ, start) => {
  start('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode('hi')];
};

test('JSON lines carry route, trace_id and span_id of the request span; a 404 line has no route', async () => {
  const lines: string[] = [];
  const log = accessLog({ format: 'json', stream: { write: (text: string) => void lines.push(...text.trimEnd().split('\n')) }, flushInterval: 0 });
  const stack = compose(otel({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider }), log)(router().get('/users/:id', hello));
  const served = await serve(lint(stack), { host: '127.0.0.1', port: 0 });
  try {
    await (await fetch(`${served.url}/users/1`)).arrayBuffer();
    await (await fetch(`${served.url}/missing`)).arrayBuffer();
    await eventually(() => (lines.length === 2 && sdk.serverSpans().length === 2 ? true : undefined));
    const [ok, missing] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const [okSpan, missingSpan] = sdk.serverSpans();
    expect(ok).toMatchObject({
      path: '/users/1',
      route: '/users/:id',
      trace_id: okSpan!.spanContext().traceId,
      span_id: okSpan!.spanContext().spanId,
    });
    expect(missing).toMatchObject({ status: 404, trace_id: missingSpan!.spanContext().traceId });
    expect(missing).not.toHaveProperty('route');
  } finally {
    await served.close();
    await sdk.shutdown();
  }
});

test('without otel() the lines have no trace fields', async () => {
  const lines: string[] = [];
  const log = accessLog({ format: 'json', stream: { write: (text: string) => void lines.push(text) }, flushInterval: 0 });
  const served = await serve(lint(log(hello)), { host: '127.0.0.1', port: 0 });
  try {
    await (await fetch(served.url)).arrayBuffer();
    const line = await eventually(() => lines[0]);
    expect(JSON.parse(line)).not.toHaveProperty('trace_id');
  } finally {
    await served.close();
  }
});
