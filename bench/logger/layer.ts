/**
 * The access log's own cost, in process: `node layer.mjs <variant> <count>` calls an app
 * `count` times the way a gateway does (a fresh environ, startResponse, the body walked
 * and closed), after the same warm-up for every count. bench/logger/layer-cost.ts runs
 * it under callgrind at two counts; the difference over the difference in calls is the
 * instructions per request, start-up and one-time JIT work left out. Variants: `bare`
 * (hello, no log), `log` (hello under accessLog({ format: 'combined' }), an array body),
 * `log-sync` and `log-async` (a sync or async generator body of two chunks, logged).
 */
import { accessLog } from '@tsgi/logger';
import type { Application, Body, Environ, ResponseHeaders, Write } from '@tsgi/core';

const HELLO = Buffer.from('Hello, world!');
const TEXT: ResponseHeaders = [['Content-Type', 'text/plain']];
const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return [HELLO];
};
const sync: Application = (_environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return (function* () {
    yield HELLO;
    yield HELLO;
  })();
};
const async: Application = (_environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return (async function* () {
    yield HELLO;
    yield HELLO;
  })();
};
// Lines go nowhere: the sink's formatting and buffering are counted, no I/O.
const log = () => accessLog({ format: 'combined', stream: { write: () => undefined }, requestIdHeader: false, now: () => 1_700_000_000_000 });
const VARIANTS: Record<string, Application> = { bare: hello, log: log()(hello), 'log-sync': log()(sync), 'log-async': log()(async) };

const errors = { write: () => undefined, writelines: () => undefined, flush: () => undefined };
let sink = 0;
const write: Write = (chunk) => void (sink += chunk.byteLength);
const startResponse = (_status: string, _headers: ResponseHeaders): Write => write;

function environ(): Environ {
  return {
    REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: '/', QUERY_STRING: '', SERVER_NAME: '127.0.0.1', SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1', REMOTE_ADDR: '127.0.0.1', HTTP_USER_AGENT: 'tsgi-bench/1.0', HTTP_REFERER: 'http://127.0.0.1/bench',
    'wsgi.url_scheme': 'http', 'wsgi.errors': errors,
  } as unknown as Environ;
}

async function one(app: Application): Promise<void> {
  let body = app(environ(), startResponse);
  if (body instanceof Promise) body = await body;
  const b = body as Body;
  if (Array.isArray(b)) for (const chunk of b) sink += chunk.byteLength;
  else if (Symbol.asyncIterator in b) for await (const chunk of b as AsyncIterable<Uint8Array>) sink += chunk.byteLength;
  else for (const chunk of b as Iterable<Uint8Array>) sink += chunk.byteLength;
  const closed = (b as { close?: () => void | Promise<void> }).close?.();
  if (closed instanceof Promise) await closed;
}

const [variant = 'log', countArg = '0'] = process.argv.slice(2);
const app = VARIANTS[variant];
if (app === undefined) throw new Error(`bench/logger/layer: unknown variant ${variant}; use ${Object.keys(VARIANTS).join(', ')}`);
for (let i = 0; i < 5000; i++) await one(app);
for (let i = 0; i < Number(countArg); i++) await one(app);
process.stdout.write(`${variant} ${countArg} ${sink}\n`);
