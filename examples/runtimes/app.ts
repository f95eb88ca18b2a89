/**
 * One app module for every runtime: the same stack served by `serve()` on Node,
 * `Bun.serve`, `Deno.serve` and Cloudflare Workers (workerd), each through its own
 * entry beside this file (node.ts, bun.ts, deno.ts, worker.ts). matrix.test.ts bundles
 * each entry, starts it on its runtime and runs one table of requests against all.
 *
 * The stack: proxyFix, otel (spans to the OpenTelemetry SDK's in-memory exporter, shown
 * at /spans), accessLog (to a stream the runtime has), gzip, lint, and a router
 * with params, a JSON POST echo, a 1 MiB download and upload, an event stream, a body
 * the app gzips itself, the client as proxyFix sees it, a basicAuth-protected route,
 * @tsgi/request's view (a JSON POST answered with a signed cookie (WebCrypto) and an
 * urlencoded form), and a WebSocket echo (open and behind basicAuth); middleware-app.ts
 * adds a multipart form with a file and a route under each web-security middleware.
 * Nothing here touches a `node:` module, Buffer, random
 * bytes or timers at import or factory time: Workers forbid that at module scope.
 *
 * @example
 * import { makeApp } from './app.js';
 * export default { fetch: toFetch(makeApp({ write: (line) => console.log(line) })) };
 * @module
 */
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { HttpError, compose, readBody, statusLine, type Application, type Environ } from '@tsgi/core';
import { basicAuth } from '@tsgi/auth';
import { gzip } from '@tsgi/gzip';
import { lint } from '@tsgi/lint';
import { accessLog, type LineTarget } from '@tsgi/logger';
import { otel } from '@tsgi/otel';
import { proxyFix } from '@tsgi/proxy-fix';
import { cookieSigner, json as jsonResponse, request } from '@tsgi/request';
import { router } from '@tsgi/router';
import { mountMiddlewareRoutes } from './middleware-app.js';

/** The size of /big and of the largest upload /upload takes. */
export const BIG_SIZE = 1024 * 1024;
/** Milliseconds between two events of /events. */
export const EVENT_GAP_MS = 400;
/** How many events /events sends. */
export const EVENT_COUNT = 3;

const encoder = new TextEncoder();
const JSON_TYPE: [string, string] = ['Content-Type', 'application/json'];
const TEXT_TYPE: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

let big: Uint8Array | undefined;

/** 1 MiB of numbered text lines; made on first use, not at import. */
export function bigText(): Uint8Array {
  if (big === undefined) {
    let text = '';
    for (let i = 0; text.length < BIG_SIZE; i++) text += `${String(i).padStart(7, '0')} the quick brown fox jumps over the lazy dog\n`;
    big = encoder.encode(text.slice(0, BIG_SIZE));
  }
  return big;
}

/** The event /events sends as number `n`. */
export function eventText(n: number): string {
  return `id: ${n}\nevent: tick\ndata: {"n":${n}}\n\n`;
}

function json(status: string, value: unknown): (environ: Environ, startResponse: Parameters<Application>[1]) => Uint8Array[] {
  return (_environ, startResponse) => {
    startResponse(status, [JSON_TYPE]);
    return [encoder.encode(JSON.stringify(value) + '\n')];
  };
}

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [TEXT_TYPE]);
  return [encoder.encode('hello from tsgi\n')];
};

const showUser: Application = (environ, startResponse) => {
  const { id } = (environ['wsgiorg.routing_args'] as [unknown[], Record<string, string>])[1];
  return json('200 OK', { id })(environ, startResponse);
};

const echo: Application = async (environ, startResponse) => {
  const text = new TextDecoder().decode(await readBody(environ, { limit: 64 * 1024 }));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
  return json('200 OK', { echo: value, contentType: environ.CONTENT_TYPE ?? null })(environ, startResponse);
};

const upload: Application = async (environ, startResponse) => {
  const bytes = await readBody(environ, { limit: BIG_SIZE });
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  return json('200 OK', { bytes: bytes.byteLength, sha256 })(environ, startResponse);
};

const download: Application = (_environ, startResponse) => {
  startResponse('200 OK', [TEXT_TYPE]);
  return [bigText()];
};

const events: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/event-stream'], ['Cache-Control', 'no-cache']]);
  return (async function* eventStream() {
    for (let n = 0; n < EVENT_COUNT; n++) {
      if (n > 0) await new Promise((resolve) => setTimeout(resolve, EVENT_GAP_MS));
      yield encoder.encode(eventText(n));
    }
  })();
};

/** The 4 KiB text /precompressed sends gzip-encoded, as a precompressed file would be. */
export function precompressedText(): string {
  return 'a body the app compressed itself, like a .gz file on disk\n'.repeat(72);
}

const precompressed: Application = async (_environ, startResponse) => {
  const source = new Blob([precompressedText()]).stream().pipeThrough(new CompressionStream('gzip'));
  const gzipped = new Uint8Array(await new Response(source).arrayBuffer());
  startResponse('200 OK', [TEXT_TYPE, ['Content-Encoding', 'gzip'], ['Content-Length', String(gzipped.byteLength)]]);
  return [gzipped];
};

const client: Application = (environ, startResponse) => {
  startResponse('200 OK', [TEXT_TYPE]);
  return [encoder.encode(`${environ.REMOTE_ADDR} ${environ['wsgi.url_scheme']}\n`)];
};

const whoami: Application = (environ, startResponse) => {
  startResponse('200 OK', [TEXT_TYPE]);
  return [encoder.encode(`hello ${String(environ['tsgi.auth'])}\n`)];
};

/**
 * A WebSocket echo: text and bytes come back as they came; the text 'close' closes with
 * 4001 'asked'. Without an offer (a plain GET, or a runtime that cannot upgrade) 426.
 */
const socket: Application = (environ, startResponse) => {
  const offer = environ['tsgi.websocket'];
  if (offer === undefined) {
    startResponse('426 Upgrade Required', [TEXT_TYPE]);
    return [encoder.encode('a WebSocket endpoint\n')];
  }
  offer.accept({
    message: (ws, data) => (data === 'close' ? ws.close(4001, 'asked') : ws.send(data)),
  });
  startResponse('101 Switching Protocols', []);
  return [];
};

/** What /spans shows of each finished span of @tsgi/otel. */
export interface SpanSeen {
  name: string;
  kind: number;
  path: unknown;
  route: unknown;
  status: unknown;
}

/** `/spans`: the server spans the in-memory exporter holds, newest last. */
function spans(exporter: InMemorySpanExporter): Application {
  return function spansApp(environ, startResponse) {
    const seen: SpanSeen[] = exporter
      .getFinishedSpans()
      .filter((span) => span.instrumentationScope.name === '@tsgi/otel')
      .slice(-50)
      .map((span) => ({
        name: span.name,
        kind: span.kind,
        path: span.attributes['url.path'],
        route: span.attributes['http.route'],
        status: span.attributes['http.response.status_code'],
      }));
    return json('200 OK', seen)(environ, startResponse);
  };
}
/** The key /request/json signs its cookie with (a test key, not a secret). */
export const COOKIE_KEY = 'runtime-matrix cookie key, 32+ bytes long';
// No crypto work here: the key is imported on the first sign (Workers forbid it at module scope).
const signer = cookieSigner({ keys: [COOKIE_KEY] });

const requestJson: Application = async (environ, startResponse) => {
  const req = request(environ);
  const value = await req.json({ limit: 64 * 1024 });
  const answer = jsonResponse({ echo: value, type: req.contentType, path: req.path, query: req.query.get('q') });
  const seen = await signer.sign('seen', String(req.query.get('q')));
  return answer.setCookie('seen', seen, { path: '/', httpOnly: true, sameSite: 'lax' })(environ, startResponse);
};

const requestForm: Application = async (environ, startResponse) => {
  const form = await request(environ).form();
  return jsonResponse({ fields: [...form] })(environ, startResponse);
};

/** The whole stack, logging one combined line per request to `log`. */
export function makeApp(log: LineTarget): Application {
  // The SDK as an app would set it up; no context manager: the span still reaches the exporter.
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const routes = router()
    .get('/spans', spans(exporter))
    .get('/', hello)
    .get('/users/:id', showUser)
    .post('/echo', httpErrors(echo))
    .post('/upload', httpErrors(upload))
    .get('/big', download)
    .get('/events', events)
    .get('/precompressed', precompressed)
    .get('/client', client)
    .get('/private', basicAuth({ realm: 'tsgi', users: { alice: 's3cret' } })(whoami))
    .get('/ws', socket)
    .get('/ws/private', basicAuth({ realm: 'tsgi', users: { alice: 's3cret' } })(socket))
    .post('/request/json', httpErrors(requestJson))
    .post('/request/form', httpErrors(requestForm));
  mountMiddlewareRoutes(routes, httpErrors);
  // proxyFix first, so the log and the span name the client; otel() outside the router,
  // whose route it reads; lint() checks every call below it.
  return compose(proxyFix(), otel({ tracerProvider, ignore: ['/spans'] }), accessLog({ stream: log }), gzip(), lint)(routes);
}

/** An HttpError from readBody or the app (400, 413) answered with its status and message. */
function httpErrors(app: Application): Application {
  return async function httpErrorApp(environ, startResponse) {
    try {
      return await app(environ, startResponse);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      startResponse(statusLine(error.status), [TEXT_TYPE]);
      return [encoder.encode(error.message + '\n')];
    }
  };
}
