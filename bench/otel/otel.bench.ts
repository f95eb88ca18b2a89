/**
 * What otel() costs a request in process (no socket): the app called directly with a
 * realistic environ, its array body closed, bare and under otel() with
 * @opentelemetry/api only (no SDK), and with the SDK of bench/lib/otel-sdk.ts
 * (BatchSpanProcessor, in-memory exporter, AsyncLocalStorage). Isolates otel()'s own
 * per-request work from the socket and the load generator, which on a loaded machine
 * swing more than the thing measured.
 *
 *   npx tsx bench/otel/otel.bench.ts
 *
 * Prints microseconds per request (median of rounds, interleaved) and the difference.
 */
import type { Application, Body, Environ, StartResponse } from '@tsgi/core';
import { otel } from '@tsgi/otel';
import { router } from '@tsgi/router';
import { startSdk } from '../lib/otel-sdk.js';

const JSON_BODY = Buffer.from(JSON.stringify({ id: 42, name: 'Ada' }));
const app: Application = router()
  .get('/api/users/:id', (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    return [JSON_BODY];
  })
  .get('/api/orders/:id', (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    return [JSON_BODY];
  });

function environ(): Environ {
  return {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/api/users/42',
    QUERY_STRING: 'fields=name',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REQUEST_URI: '/api/users/42?fields=name',
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_PORT: '50000',
    HTTP_HOST: 'localhost:8000',
    HTTP_USER_AGENT: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    HTTP_ACCEPT: '*/*',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.errors': { write() {}, writelines() {}, flush() {} },
  } as unknown as Environ;
}

const start: StartResponse = () => () => undefined;

async function run(target: Application, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    let body = target(environ(), start) as Body | Promise<Body>;
    if (body instanceof Promise) body = await body;
    for (const _chunk of body as Iterable<Uint8Array>) void _chunk;
    const closed = body.close?.();
    if (closed instanceof Promise) await closed;
  }
  return ((performance.now() - t0) * 1000) / n;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const sdk = startSdk();
const rows: Array<[string, Application]> = [
  ['router', app],
  ['otel(api only)(router)', otel()(app)],
  ['otel(sdk)(router)', otel({ tracerProvider: sdk.tracerProvider })(app)],
];
const N = 20_000;
for (const [, target] of rows) await run(target, N); // warm-up
const times = new Map<string, number[]>(rows.map(([name]) => [name, []]));
for (let round = 0; round < 7; round++) for (const [name, target] of rows) times.get(name)!.push(await run(target, N));
const base = median(times.get('router')!);
console.log('| app | us/request (median of 7) | added |');
console.log('|---|---:|---:|');
for (const [name] of rows) {
  const us = median(times.get(name)!);
  console.log(`| ${name} | ${us.toFixed(2)} | ${name === 'router' ? '' : `+${(us - base).toFixed(2)} us`} |`);
}
await sdk.close();
