/**
 * otel() over real sockets (serve() on 127.0.0.1, fetch and raw net clients), with the
 * OpenTelemetry SDK as the consumer: every attribute of the stable HTTP conventions
 * on good requests, the router's 404 and 405, a throw, a 5xx, an SSE stream whose span
 * ends after its last event (with child spans made while the body is pulled), a client
 * abort, traceparent propagation, header capture and redaction, ignore, proxyFix.
 */
import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Application, Environ, StartResponse } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { otel, DURATION_BUCKETS } from '@tsgi/otel';
import { proxyFix } from '@tsgi/proxy-fix';
import { router, urlMap } from '@tsgi/router';
import { serve } from '@tsgi/server';
import { eventually, testSdk } from './sdk.js';

const sdk = testSdk();
const appTracer = sdk.tracerProvider.getTracer('app');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const enc = (s: string) => new TextEncoder().encode(s);

class DatabaseError extends Error {
  override name = 'DatabaseError';
}

function json(value: unknown, status = '200 OK'): Application {
  return (_environ, start) => {
    start(status, [['Content-Type', 'application/json']]);
    return [enc(JSON.stringify(value))];
  };
}

const showUser: Application = (environ: Environ, start: StartResponse) => {
  start('200 OK', [
    ['Content-Type', 'application/json'],
    ['Set-Cookie', 'session=secret'],
    ['X-Served-By', 'a'],
    ['X-Served-By', 'b'],
  ]);
  return [enc(JSON.stringify({ trace: environ['tsgi.trace'] ?? null, route: environ['tsgi.route'] ?? null }))];
};

/** When the SSE app yielded its last event (epoch ms). */
let lastEventAt = 0;
const events: Application = (_environ, start) => {
  start('200 OK', [['Content-Type', 'text/event-stream'], ['Cache-Control', 'no-cache']]);
  return (async function* () {
    for (let i = 1; i <= 3; i++) {
      await sleep(40);
      // Made after an await inside the body: the span's context must still be active.
      appTracer.startSpan(`event ${i}`).end();
      if (i === 3) lastEventAt = Date.now();
      yield enc(`data: ${i}\n\n`);
    }
  })();
};

const forever: Application = (_environ, start) => {
  start('200 OK', [['Content-Type', 'text/event-stream']]);
  return (async function* () {
    for (let i = 0; i < 500; i++) {
      yield enc(`data: ${i}\n\n`);
      await sleep(20);
    }
  })();
};

const api = router()
  .get('/users/:id', showUser)
  .get('/boom', () => {
    throw new DatabaseError('connection refused');
  })
  .get('/unavailable', json({ retry: true }, '503 Service Unavailable'))
  .get('/events', events)
  .get('/forever', forever)
  .get('/file', (environ, start) => {
    start('200 OK', [['Content-Type', 'text/plain']]);
    return environ['wsgi.file_wrapper']!(__filename);
  })
  .get('/empty', (_e, start) => {
    start('204 No Content', []);
    return [];
  });
const site = urlMap({ '/api': api, '/healthz': json({ ok: true }) });
const stack = otel({
  tracerProvider: sdk.tracerProvider,
  meterProvider: sdk.meterProvider,
  captureRequestHeaders: ['x-request-id', 'Authorization', 'cookie'],
  captureResponseHeaders: ['content-type', 'set-cookie', 'x-served-by'],
  ignore: ['/healthz'],
})(site);

let served: Awaited<ReturnType<typeof serve>>;
let port = 0;
beforeAll(async () => {
  served = await serve(lint(stack), { host: '127.0.0.1', port: 0 });
  port = Number(new URL(served.url).port);
});
afterAll(async () => {
  await served.close();
  await sdk.shutdown();
});
beforeEach(() => sdk.exporter.reset());

/** The one @tsgi/otel span of the request just made (waited for: it ends at close). */
async function serverSpan(): Promise<ReadableSpan> {
  return eventually(() => {
    const spans = sdk.serverSpans();
    return spans.length === 1 ? spans[0] : undefined;
  });
}

describe('a good request', () => {
  test('a SERVER span named by the route, with every attribute of the conventions', async () => {
    const res = await fetch(`${served.url}/api/users/42?tab=posts&Signature=abc`, { headers: { 'User-Agent': 'otel-test/1.0' } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const span = await serverSpan();
    expect(span.name).toBe('GET /api/users/:id');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      'http.request.method': 'GET',
      'url.path': '/api/users/42',
      'url.scheme': 'http',
      'url.query': 'tab=posts&Signature=REDACTED',
      'server.address': '127.0.0.1',
      'server.port': port,
      'client.address': '127.0.0.1',
      'network.protocol.version': '1.1',
      'user_agent.original': 'otel-test/1.0',
      'http.response.status_code': 200,
      'http.route': '/api/users/:id',
      'http.response.header.content-type': ['application/json'],
      'http.response.header.set-cookie': ['REDACTED'],
      'http.response.header.x-served-by': ['a', 'b'],
    });
    expect(span.ended).toBe(true);
  });

  test('HEAD: the body is closed without being read, and that is no abort', async () => {
    const res = await fetch(`${served.url}/api/users/1`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    const span = await serverSpan();
    expect(span.name).toBe('HEAD /api/users/:id');
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  test('a wsgi.file_wrapper body still goes by the gateway\'s file path (with its length), and is no abort', async () => {
    const res = await fetch(`${served.url}/api/file`);
    expect(res.headers.get('content-length')).toBe(String(statSync(__filename).size));
    expect((await res.text()).length).toBeGreaterThan(0);
    const span = await serverSpan();
    expect(span.attributes['http.response.status_code']).toBe(200);
    expect(span.attributes['error.type']).toBeUndefined();
  });

  test('a 204 is no abort either', async () => {
    expect((await fetch(`${served.url}/api/empty`)).status).toBe(204);
    const span = await serverSpan();
    expect(span.attributes['http.response.status_code']).toBe(204);
    expect(span.attributes['error.type']).toBeUndefined();
  });
});

describe('answers the router gives and errors', () => {
  test('404: no route, the span keeps the method as its name, status unset (a 4xx is the client\'s)', async () => {
    expect((await fetch(`${served.url}/api/nobody`)).status).toBe(404);
    const span = await serverSpan();
    expect(span.name).toBe('GET');
    expect(span.attributes['http.route']).toBeUndefined();
    expect(span.attributes['http.response.status_code']).toBe(404);
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  test('405 for an unknown method: _OTHER with the original, span named HTTP', async () => {
    const res = await fetch(`${served.url}/api/users/1`, { method: 'PURGE' });
    expect(res.status).toBe(405);
    const span = await serverSpan();
    expect(span.name).toBe('HTTP');
    expect(span.attributes['http.request.method']).toBe('_OTHER');
    expect(span.attributes['http.request.method_original']).toBe('PURGE');
    expect(span.attributes['http.response.status_code']).toBe(405);
    expect(span.attributes['http.route']).toBeUndefined();
  });

  test('a thrown error: error.type is its class, status ERROR with the message, an exception event, 500', async () => {
    expect((await fetch(`${served.url}/api/boom`)).status).toBe(500);
    const span = await serverSpan();
    expect(span.name).toBe('GET /api/boom');
    expect(span.attributes['error.type']).toBe('DatabaseError');
    expect(span.attributes['http.response.status_code']).toBe(500);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connection refused' });
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.type']])).toEqual([['exception', 'DatabaseError']]);
  });

  test('a 5xx answer: error.type is the status code as a string, status ERROR', async () => {
    expect((await fetch(`${served.url}/api/unavailable`)).status).toBe(503);
    const span = await serverSpan();
    expect(span.attributes['error.type']).toBe('503');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('streaming', () => {
  test('an SSE stream: the span ends after the last event; child spans made in the body are its children', async () => {
    const res = await fetch(`${served.url}/api/events`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: 1\n\n');
    // The response is under way: the span is still open.
    expect(sdk.serverSpans()).toHaveLength(0);
    let text = new TextDecoder().decode(first.value);
    for (let step = await reader.read(); !step.done; step = await reader.read()) text += new TextDecoder().decode(step.value);
    expect(text).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\n');

    const span = await serverSpan();
    const endMs = span.endTime[0] * 1000 + span.endTime[1] / 1e6;
    expect(endMs).toBeGreaterThanOrEqual(lastEventAt - 1);
    const durationMs = span.duration[0] * 1000 + span.duration[1] / 1e6;
    expect(durationMs).toBeGreaterThanOrEqual(100);
    const children = sdk.spans().filter((s) => s.name.startsWith('event '));
    expect(children.map((c) => c.name)).toEqual(['event 1', 'event 2', 'event 3']);
    for (const child of children) {
      expect(child.spanContext().traceId).toBe(span.spanContext().traceId);
      expect(child.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    }
  });

  test('a client that leaves mid-stream (raw socket destroyed): error.type ClientDisconnected, status ERROR', async () => {
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        if (chunk.toString('latin1').includes('data: 1')) {
          socket.destroy();
          resolve();
        }
      });
      socket.write('GET /api/forever HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    const span = await serverSpan();
    expect(span.name).toBe('GET /api/forever');
    expect(span.attributes['error.type']).toBe('ClientDisconnected');
    expect(span.attributes['http.response.status_code']).toBe(200);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('context', () => {
  test('an incoming traceparent is the parent; tsgi.trace holds the span context for the app', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${served.url}/api/users/7`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, tracestate: 'vendor=abc' },
    });
    const body = (await res.json()) as { trace: { traceId: string; spanId: string }; route: string };
    const span = await serverSpan();
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span.parentSpanContext?.isRemote).toBe(true);
    expect(span.spanContext().traceState?.get('vendor')).toBe('abc');
    expect(body.trace).toMatchObject({ traceId, spanId: span.spanContext().spanId });
    expect(body.route).toBe('/api/users/:id');
  });

  test('no traceparent and no active span: a new trace', async () => {
    await (await fetch(`${served.url}/api/users/7`)).arrayBuffer();
    const span = await serverSpan();
    expect(span.parentSpanContext).toBeUndefined();
  });

  test('the app runs in the span: a span the app starts is its child', async () => {
    const tracer = sdk.tracerProvider.getTracer('app');
    const inner: Application = (_environ, start) => {
      tracer.startSpan('db.query').end();
      expect(trace.getSpan(context.active())).toBeDefined();
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [enc('ok')];
    };
    const direct = await serve(lint(otel({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider })(inner)), { port: 0 });
    try {
      await (await fetch(direct.url)).arrayBuffer();
      const span = await serverSpan();
      const child = sdk.spans().find((s) => s.name === 'db.query')!;
      expect(child.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    } finally {
      await direct.close();
    }
  });
});

describe('options', () => {
  test('captured request headers are arrays; authorization and cookie are redacted whatever the list says', async () => {
    await (
      await fetch(`${served.url}/api/users/7`, {
        headers: { 'X-Request-Id': 'req-123', Authorization: 'Bearer s3cr3t', Cookie: 'sid=s3cr3t' },
      })
    ).arrayBuffer();
    const span = await serverSpan();
    expect(span.attributes['http.request.header.x-request-id']).toEqual(['req-123']);
    expect(span.attributes['http.request.header.authorization']).toEqual(['REDACTED']);
    expect(span.attributes['http.request.header.cookie']).toEqual(['REDACTED']);
    expect(JSON.stringify(span.attributes)).not.toContain('s3cr3t');
  });

  test('ignore: an ignored path gets no span and no metrics', async () => {
    const before = (await sdk.durations()).reduce((n, p) => n + p.count, 0);
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    await (await fetch(`${served.url}/api/users/1`)).arrayBuffer();
    const span = await serverSpan(); // only the second request's
    expect(span.attributes['url.path']).toBe('/api/users/1');
    const after = (await sdk.durations()).reduce((n, p) => n + p.count, 0);
    expect(after - before).toBe(1);
  });

  test('ignore as a predicate, hooks and spanNameFactory', async () => {
    const seen: string[] = [];
    const app = otel({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
      ignore: (environ) => environ.HTTP_X_SYNTHETIC === '1',
      requestHook: (span, environ) => void span.setAttribute('app.tenant', environ.HTTP_X_TENANT ?? 'none'),
      responseHook: (span, head) => {
        seen.push(head.status);
        span.setAttribute('app.status_line', head.status);
      },
      spanNameFactory: (environ) => `${environ.REQUEST_METHOD} ${String(environ['tsgi.route'])} (custom)`,
    })(api);
    const direct = await serve(lint(app), { port: 0 });
    try {
      await (await fetch(`${direct.url}/users/1`, { headers: { 'X-Synthetic': '1' } })).arrayBuffer();
      await (await fetch(`${direct.url}/users/1`, { headers: { 'X-Tenant': 'acme' } })).arrayBuffer();
      const span = await serverSpan();
      expect(span.name).toBe('GET /users/:id (custom)');
      expect(span.attributes['app.tenant']).toBe('acme');
      expect(span.attributes['app.status_line']).toBe('200 OK');
      expect(seen).toEqual(['200 OK']);
    } finally {
      await direct.close();
    }
  });

  test('after proxyFix: the client\'s scheme, host and address', async () => {
    const app = proxyFix({ trustedProxies: ['127.0.0.1'], for: 1, proto: 1, host: 1 })(
      otel({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider })(api),
    );
    const direct = await serve(lint(app), { port: 0 });
    try {
      const headers = { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'shop.example' };
      await (await fetch(`${direct.url}/users/1`, { headers })).arrayBuffer();
      const span = await serverSpan();
      expect(span.attributes).toMatchObject({
        'url.scheme': 'https',
        'client.address': '203.0.113.7',
        'server.address': 'shop.example',
        'server.port': 443,
      });
    } finally {
      await direct.close();
    }
  });
});

describe('metrics', () => {
  test('http.server.request.duration: seconds, the conventions\' buckets, low-cardinality attributes', async () => {
    const fresh = testSdk();
    const app = otel({ tracerProvider: fresh.tracerProvider, meterProvider: fresh.meterProvider })(site);
    const direct = await serve(lint(app), { port: 0 });
    try {
      for (let i = 0; i < 3; i++) await (await fetch(`${direct.url}/api/users/${i}`)).arrayBuffer();
      await (await fetch(`${direct.url}/api/nobody`)).arrayBuffer();
      await (await fetch(`${direct.url}/api/boom`)).arrayBuffer();
      // Recorded when each body is closed, which may come just after the client has its answer.
      await eventually(() => (fresh.serverSpans().length === 5 ? true : undefined));
      const points = await fresh.durations();
      const byRoute = (route: unknown, status: number) =>
        points.find((p) => p.attributes['http.route'] === route && p.attributes['http.response.status_code'] === status);
      const base = { 'http.request.method': 'GET', 'url.scheme': 'http', 'network.protocol.version': '1.1' };
      expect(byRoute('/api/users/:id', 200)).toMatchObject({ count: 3, attributes: { ...base, 'http.response.status_code': 200 } });
      expect(byRoute(undefined, 404)?.attributes).toEqual({ ...base, 'http.response.status_code': 404 });
      expect(byRoute('/api/boom', 500)?.attributes).toEqual({
        ...base,
        'http.response.status_code': 500,
        'http.route': '/api/boom',
        'error.type': 'DatabaseError',
      });
      for (const point of points) expect(point.boundaries).toEqual(DURATION_BUCKETS);
      const data = await fresh.metric('http.server.request.duration');
      expect(data?.descriptor.unit).toBe('s');
      const active = await fresh.active();
      expect(active).toEqual([{ attributes: { 'http.request.method': 'GET', 'url.scheme': 'http' }, value: 0 }]);
    } finally {
      await direct.close();
      await fresh.shutdown();
    }
  });

  test('http.server.active_requests counts a stream in flight, and the SSE duration covers it', async () => {
    const fresh = testSdk();
    const app = otel({ tracerProvider: fresh.tracerProvider, meterProvider: fresh.meterProvider })(site);
    const direct = await serve(lint(app), { port: 0 });
    try {
      const res = await fetch(`${direct.url}/api/events`);
      const reader = res.body!.getReader();
      await reader.read();
      expect((await fresh.active())[0]?.value).toBe(1);
      while (!(await reader.read()).done);
      await eventually(() => (fresh.serverSpans().length === 1 ? true : undefined));
      expect((await fresh.active())[0]?.value).toBe(0);
      const [point] = await fresh.durations();
      expect(point?.count).toBe(1);
      expect(point?.sum).toBeGreaterThanOrEqual(0.1);
    } finally {
      await direct.close();
      await fresh.shutdown();
    }
  });
});
