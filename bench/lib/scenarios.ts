/**
 * The HTTP scenarios of `pnpm bench`, one table each: which targets (a module in
 * bench/targets/ and the variant it serves) are compared, on which request, against
 * which baseline, and the acceptance targets the ratios are read against.
 */
import { STATIC_1K, STATIC_1K_PATH, STATIC_1M, STATIC_1M_PATH } from './static-workload.js';
import { HELLO_TEXT, RATE_LIMIT_QUOTA } from './target.js';
import { CORS_ORIGIN } from './websec.js';
import { JSON_10K, JSON_1M, JSON_SMALL, POST_ANSWER, POST_HEADERS, POST_PATH, REQUEST_HEADERS, STACK_PATH, UPLOAD_ANSWER, UPLOAD_HEADERS, UPLOAD_PATH, uploadRequestBody } from './workload.js';
import { SESSION_COOKIE_HEADER, TSGI_MEMORY_ID, TSGI_REDIS } from './session.js';

export interface Row {
  /** Shown in tables; unique within a scenario. */
  id: string;
  /** bench/targets/<module>.ts */
  module: string;
  /** The scenario string the target module is started with. */
  variant: string;
  /** Whether this row's answer is gzipped, where it differs from the scenario's `expect.gzip`. */
  gzip?: boolean;
  /** Extra flags for the server's node, e.g. a V8 flag whose effect the row shows. */
  nodeFlags?: readonly string[];
}

export interface Goal {
  /** `row` / `vs` must be at least `min`. */
  row: string;
  vs: string;
  min: number;
  text: string;
  /**
   * A relative cost compared with a peer's: the ratio is (`row` / `vs`) over
   * (`peer.row` / `peer.vs`), e.g. what otel() keeps of tsgi's rate against what
   * @fastify/otel keeps of Fastify's, both from the same run.
   */
  peer?: { row: string; vs: string };
}

export interface Scenario {
  name: string;
  title: string;
  what: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  /** The request's method and body, for a scenario that is not a GET. @default 'GET', none */
  method?: string;
  body?: Buffer;
  rows: readonly Row[];
  /** run.ts starts a redis-server (no persistence, a free port) for the scenario and passes its URL in BENCH_REDIS_URL. @default false */
  redis?: boolean;
  /** The node:http row every ratio is taken against (1.00x). */
  baseline: string;
  /** The tsgi row of the second ratio column. */
  tsgi: string;
  /** What every row must answer: status, and the body after gunzip. */
  expect: { status: number; body: Buffer; gzip: boolean };
  goals: readonly Goal[];
}

/**
 * Rows marked * run node with V8's allocation-site pretenuring off. On hello world
 * with the access log, V8 sometimes decides that per-request objects live long,
 * allocates them in the old generation, and then every scavenge copies what they
 * point to: a server settles at ~50k req/s instead of ~70k. The logger's own trigger (a
 * closure made per request inside a method) is gone; the starred rows show its cost
 * with the pathology ruled out.
 */
const NO_PRETENURING = '--no-allocation-site-pretenuring';

const row = (id: string, module: string, variant: string, gzip?: boolean): Row => ({ id, module, variant, gzip });

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'hello',
    title: 'Hello world',
    what: '`Hello, world!` as text/plain with a Content-Length, keep-alive.',
    path: '/',
    headers: {},
    rows: ['raw-node', 'tsgi', 'connect', 'fastify', 'hono', 'koa', 'express'].map((m) => row(m, m, 'hello')),
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: Buffer.from(HELLO_TEXT), gzip: false },
    goals: [{ row: 'tsgi', vs: 'raw-node', min: 0.95, text: 'hello world >= 0.95x raw node:http' }],
  },
  {
    name: 'stack',
    title: 'Realistic stack',
    what: `combined access log + gzip + Basic auth + a router over 20 routes answering 10 KB of JSON; GET ${STACK_PATH} with Authorization and Accept-Encoding: gzip.`,
    path: STACK_PATH,
    headers: REQUEST_HEADERS,
    rows: [
      ...['raw-node', 'tsgi', 'fastify', 'hono', 'koa', 'express'].map((m) => row(m, m, 'stack')),
      row('fastify-oneshot', 'fastify', 'stack-oneshot'),
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: JSON_10K, gzip: true },
    goals: [
      { row: 'tsgi', vs: 'fastify', min: 1.2, text: 'tsgi stack >= 1.2x Fastify' },
      { row: 'tsgi', vs: 'raw-node', min: 0.8, text: 'tsgi stack >= 0.8x the hand-written node:http stack' },
    ],
  },
  {
    name: 'cors',
    title: 'CORS on hello world',
    what: `hello world answering a cross-origin GET (Origin: ${CORS_ORIGIN}) through each framework's CORS middleware, one allowed origin with credentials: node:http setting the three headers by hand, tsgi without and with cors(), Express 5 with the cors package, Hono with hono/cors.`,
    path: '/',
    headers: { origin: CORS_ORIGIN },
    rows: [
      row('raw-node', 'raw-node', 'hello+cors'),
      row('tsgi', 'tsgi', 'hello'),
      row('tsgi+cors', 'tsgi', 'hello+cors'),
      row('express+cors', 'express', 'hello+cors'),
      row('hono+cors', 'hono', 'hello+cors'),
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi+cors',
    expect: { status: 200, body: Buffer.from(HELLO_TEXT), gzip: false },
    goals: [
      { row: 'tsgi+cors', vs: 'tsgi', min: 0.95, text: 'cors() on hello world costs <= 5%' },
      { row: 'tsgi+cors', vs: 'express+cors', min: 1.0, text: 'tsgi + cors() >= 1.0x Express + cors' },
      { row: 'tsgi+cors', vs: 'hono+cors', min: 1.0, text: 'tsgi + cors() >= 1.0x Hono + hono/cors' },
    ],
  },
  {
    name: 'secure-headers',
    title: 'Security headers on hello world',
    what: "hello world with helmet's default headers (CSP, COOP, CORP, ..., no HSTS over plain HTTP): node:http writing them by hand, tsgi without and with secureHeaders(), Express 5 with helmet, Hono with hono/secure-headers given helmet's policy.",
    path: '/',
    headers: {},
    rows: [
      row('raw-node', 'raw-node', 'hello+secure'),
      row('tsgi', 'tsgi', 'hello'),
      row('tsgi+secureHeaders', 'tsgi', 'hello+secure'),
      row('express+helmet', 'express', 'hello+helmet'),
      row('hono+secureHeaders', 'hono', 'hello+secure'),
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi+secureHeaders',
    expect: { status: 200, body: Buffer.from(HELLO_TEXT), gzip: false },
    goals: [
      { row: 'tsgi+secureHeaders', vs: 'express+helmet', min: 1.0, text: 'tsgi + secureHeaders() >= 1.0x Express + helmet' },
      { row: 'tsgi+secureHeaders', vs: 'hono+secureHeaders', min: 1.0, text: 'tsgi + secureHeaders() >= 1.0x Hono + hono/secure-headers' },
    ],
  },
  {
    name: 'websec-stack',
    title: 'cors() and secureHeaders() on the realistic stack',
    what: `the tsgi stack above with and without cors() (one allowed origin, credentials) and secureHeaders() (defaults) under the access log, answering GET ${STACK_PATH} from Origin: ${CORS_ORIGIN}.`,
    path: STACK_PATH,
    headers: { ...REQUEST_HEADERS, origin: CORS_ORIGIN },
    rows: [row('raw-node', 'raw-node', 'stack'), row('tsgi', 'tsgi', 'stack'), row('tsgi+cors+secureHeaders', 'tsgi', 'stack+websec')],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: JSON_10K, gzip: true },
    goals: [{ row: 'tsgi+cors+secureHeaders', vs: 'tsgi', min: 0.97, text: 'cors() + secureHeaders() on the stack cost <= 3%' }],
  },
  {
    name: 'otel',
    title: 'OpenTelemetry on the realistic stack',
    what: 'the tsgi stack above without otel(), under otel() with @opentelemetry/api only (no SDK), and under otel() with the SDK (BatchSpanProcessor to an in-memory exporter, AsyncLocalStorage context); Fastify\'s stack without and with @fastify/otel on the same SDK.',
    path: STACK_PATH,
    headers: REQUEST_HEADERS,
    rows: [
      row('raw-node', 'raw-node', 'stack'),
      row('tsgi', 'tsgi', 'stack'),
      row('tsgi+otel(api only)', 'tsgi', 'stack+otel'),
      row('tsgi+otel(sdk)', 'tsgi', 'stack+otel-sdk'),
      row('fastify', 'fastify', 'stack'),
      row('fastify+@fastify/otel(sdk)', 'fastify', 'stack+otel'),
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: JSON_10K, gzip: true },
    goals: [
      { row: 'tsgi+otel(api only)', vs: 'tsgi', min: 0.95, text: 'otel() with no SDK costs the stack <= 5%' },
      { row: 'tsgi+otel(sdk)', vs: 'tsgi', min: 0.85, text: 'otel() with the SDK (batch, in-memory) costs the stack <= 15%' },
      { row: 'fastify+@fastify/otel(sdk)', vs: 'fastify', min: 0.85, text: '(reference) @fastify/otel on the same SDK costs Fastify <= 15%' },
      {
        row: 'tsgi+otel(sdk)',
        vs: 'tsgi',
        peer: { row: 'fastify+@fastify/otel(sdk)', vs: 'fastify' },
        min: 1.0,
        text: "otel()'s relative cost on tsgi >= 1.0x @fastify/otel's on Fastify (same SDK, same run)",
      },
    ],
  },
  {
    name: 'session',
    title: 'Sessions on hello world',
    what: "hello world reading and writing a counter in the visitor's session on every request (the client sends the same session cookie each time): tsgi's session() with cookieStore() (AES-256-GCM, re-sealed and re-sent each request) and with memoryStore(), Express 5 with cookie-session (a signed, unencrypted cookie) and with express-session (MemoryStore); node:http and tsgi without sessions for reference.",
    path: '/',
    headers: { cookie: SESSION_COOKIE_HEADER },
    rows: [
      row('raw-node', 'raw-node', 'hello'),
      row('tsgi', 'tsgi', 'hello'),
      row('tsgi+session(cookie)', 'tsgi', 'hello+session-cookie'),
      row('tsgi+session(memory)', 'tsgi', 'hello+session-memory'),
      row('express+cookie-session', 'express', 'hello+cookie-session'),
      row('express+express-session', 'express', 'hello+express-session'),
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi+session(cookie)',
    expect: { status: 200, body: Buffer.from(HELLO_TEXT), gzip: false },
    goals: [
      { row: 'tsgi+session(cookie)', vs: 'express+cookie-session', min: 1.0, text: 'session() with cookieStore >= 1.0x Express + cookie-session' },
      { row: 'tsgi+session(cookie)', vs: 'express+express-session', min: 1.0, text: 'session() with cookieStore >= 1.0x Express + express-session' },
    ],
  },
  {
    name: 'session-redis',
    title: 'Sessions in Redis on the stack',
    what: `the realistic stack (GET ${STACK_PATH}) with and without session() on @tsgi/redis's redisSessionStore() (a local redis-server, ioredis): the visitor's counter read and written on every request, so a GET and a SET (with its TTL) per request, the cookie re-sent (rolling); with ioredis' enableAutoPipelining too; and node:http's stack after the same GET + SET written by hand with ioredis, the floor two round trips to Redis set.`,
    path: STACK_PATH,
    headers: { ...REQUEST_HEADERS, cookie: `${TSGI_REDIS}=${TSGI_MEMORY_ID}` },
    redis: true,
    rows: [
      row('raw-node', 'raw-node', 'stack'),
      // The floor: node:http's stack after a hand-written GET + SET with ioredis (no middleware, no Lua).
      row('raw-node+redis', 'raw-node', 'stack+redis'),
      row('tsgi', 'tsgi', 'stack'),
      row('tsgi+session(redis)', 'tsgi', 'stack+session-redis'),
      // The same with ioredis' enableAutoPipelining: one socket write for the commands of one event-loop turn.
      row('tsgi+session(redis,autopipe)', 'tsgi', 'stack+session-redis-autopipe'),
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi+session(redis)',
    expect: { status: 200, body: JSON_10K, gzip: true },
    goals: [
      { row: 'tsgi+session(redis)', vs: 'tsgi', min: 0.9, text: 'a session read + write on the Redis store keeps >= 0.9x the stack without sessions' },
      { row: 'tsgi+session(redis,autopipe)', vs: 'tsgi', min: 0.9, text: 'the same with enableAutoPipelining >= 0.9x the stack without sessions' },
    ],
  },
  {
    name: 'json-post',
    title: 'JSON POST, 10 KB',
    what: `POST ${POST_PATH} with 10 KB of JSON (${JSON_10K.byteLength} bytes), parsed and answered with a small JSON: request(environ).json() and json() under serve(), Fastify's own parser, express.json() and Hono's c.req.json(), node:http collecting and parsing by hand, and tsgi with core's readBody and JSON.parse by hand; 1 MiB limit everywhere.`,
    path: POST_PATH,
    headers: POST_HEADERS,
    method: 'POST',
    body: JSON_10K,
    rows: [...['raw-node', 'tsgi', 'fastify', 'express', 'hono'].map((m) => row(m, m, 'json-post')), row('tsgi(readBody)', 'tsgi', 'json-post-core')],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: POST_ANSWER, gzip: false },
    goals: [
      { row: 'tsgi', vs: 'fastify', min: 1.0, text: 'request().json() POST >= 1.0x Fastify' },
      { row: 'tsgi', vs: 'express', min: 1.0, text: 'request().json() POST >= 1.0x Express + express.json()' },
    ],
  },
  {
    name: 'upload-10mb',
    title: 'Multipart upload, 10 MB',
    what: `POST ${UPLOAD_PATH} with a multipart/form-data body of one 10 MB file and 5 small fields; every row reads the fields and counts the file's bytes as they stream past (nothing kept): busboy piped from node:http, request(environ).multipart() under serve(), @fastify/multipart's request.parts(), multer with a counting storage engine on Express, and Hono's c.req.parseBody() (the whole body in memory: it has no streamed form). tsgi(form) and express(multer disk) store the file in a temp file and remove it after. Run it with few connections (BENCH_CONNECTIONS=4): each request is 10 MB.`,
    path: UPLOAD_PATH,
    headers: UPLOAD_HEADERS,
    method: 'POST',
    get body() {
      return uploadRequestBody();
    },
    rows: [
      row('raw-node', 'raw-node', 'upload'),
      row('tsgi', 'tsgi', 'upload'),
      row('fastify', 'fastify', 'upload'),
      row('express', 'express', 'upload'),
      row('hono', 'hono', 'upload'),
      row('tsgi(form)', 'tsgi', 'upload-form'),
      row('express(multer disk)', 'express', 'upload-disk'),
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: UPLOAD_ANSWER, gzip: false },
    goals: [
      { row: 'tsgi', vs: 'fastify', min: 1.0, text: 'multipart upload >= 1.0x Fastify + @fastify/multipart' },
      { row: 'tsgi', vs: 'express', min: 1.0, text: 'multipart upload >= 1.0x Express + multer' },
      { row: 'tsgi', vs: 'hono', min: 1.0, text: "multipart upload >= 1.0x Hono's parseBody()" },
      { row: 'tsgi(form)', vs: 'express(multer disk)', min: 1.0, text: 'upload stored to a temp file >= 1.0x multer disk storage' },
    ],
  },
  {
    name: 'logger-stack',
    title: 'Access log on the realistic stack',
    what: 'the tsgi stack above with and without accessLog() (combined, batched), beside the hand-written node:http stack.',
    path: STACK_PATH,
    headers: REQUEST_HEADERS,
    rows: [row('raw-node', 'raw-node', 'stack'), row('tsgi', 'tsgi', 'stack'), row('tsgi-nolog', 'tsgi', 'stack-nolog')],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: JSON_10K, gzip: true },
    goals: [{ row: 'tsgi', vs: 'tsgi-nolog', min: 0.95, text: 'combined logging on the stack costs <= 5%' }],
  },
  {
    name: 'gzip-10k',
    title: 'gzip, 10 KB JSON',
    what: 'node:http with one-shot gzipSync (level 6) against an app returning the 10 KB JSON under gzip().',
    path: STACK_PATH,
    headers: REQUEST_HEADERS,
    rows: [row('raw-node', 'raw-node', 'gzip-10k'), row('tsgi', 'tsgi', 'gzip-10k')],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: JSON_10K, gzip: true },
    goals: [{ row: 'tsgi', vs: 'raw-node', min: 0.8, text: 'gzip 10 KB >= 0.8x the hand-written one-shot handler' }],
  },
  {
    name: 'gzip-small',
    title: 'gzip, body under the threshold',
    what: `${JSON_SMALL.byteLength} bytes of JSON (under the 1024-byte threshold): the same app with and without gzip().`,
    path: STACK_PATH,
    headers: REQUEST_HEADERS,
    rows: [row('raw-node', 'raw-node', 'json-small'), row('tsgi', 'tsgi', 'json-small'), row('tsgi+gzip', 'tsgi', 'json-small+gzip')],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: JSON_SMALL, gzip: false },
    goals: [{ row: 'tsgi+gzip', vs: 'tsgi', min: 0.95, text: 'gzip() on an under-threshold body costs <= 5%' }],
  },
  {
    name: 'gzip-1mb',
    title: 'gzip, 1 MB JSON',
    what: `${(JSON_1M.byteLength / 1e6).toFixed(2)} MB of JSON: node:http piping it through zlib.createGzip against gzip() on an array body (one call on the libuv pool) and on a body yielded in 64 KB slices (zlib stream).`,
    path: STACK_PATH,
    headers: REQUEST_HEADERS,
    rows: [row('raw-node', 'raw-node', 'gzip-1mb'), row('tsgi', 'tsgi', 'gzip-1mb'), row('tsgi-stream', 'tsgi', 'gzip-1mb-stream')],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: JSON_1M, gzip: true },
    goals: [
      { row: 'tsgi', vs: 'raw-node', min: 0.9, text: '1 MB through gzip() >= 0.9x raw zlib streaming' },
      { row: 'tsgi-stream', vs: 'raw-node', min: 0.9, text: '1 MB streamed through gzip() >= 0.9x raw zlib streaming' },
    ],
  },
  {
    name: 'logger',
    title: 'Access log',
    what: 'hello world with and without the combined line to an fs.WriteStream on /dev/null: node:http writing it by hand per request, tsgi through accessLog({ format: "combined" }).',
    path: '/',
    headers: REQUEST_HEADERS,
    rows: [
      row('raw-node', 'raw-node', 'hello'),
      row('raw-node+log', 'raw-node', 'hello+log'),
      row('tsgi', 'tsgi', 'hello'),
      row('tsgi+log', 'tsgi', 'hello+log'),
      { ...row('tsgi*', 'tsgi', 'hello'), nodeFlags: [NO_PRETENURING] },
      { ...row('tsgi+log*', 'tsgi', 'hello+log'), nodeFlags: [NO_PRETENURING] },
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: Buffer.from(HELLO_TEXT), gzip: false },
    goals: [
      { row: 'tsgi+log', vs: 'tsgi', min: 0.95, text: 'combined logging costs <= 5%' },
      { row: 'raw-node+log', vs: 'raw-node', min: 0.95, text: '(reference) a hand-written combined line costs node:http <= 5%' },
      { row: 'tsgi+log*', vs: 'tsgi*', min: 0.95, text: `(reference) combined logging costs <= 5%, both under node ${NO_PRETENURING}` },
    ],
  },
  {
    name: 'wrap',
    title: 'Express wrapped by fromNodeListener',
    what: 'One Express 5 app answering the 10 KB JSON: on node:http directly; with morgan + compression; through fromNodeListener under serve(); and through fromNodeListener behind accessLog + gzip.',
    path: STACK_PATH,
    headers: REQUEST_HEADERS,
    rows: [
      row('raw-node', 'raw-node', 'json'),
      row('express', 'express', 'json'),
      row('express+mw', 'express', 'json+mw', true),
      row('tsgi(express)', 'tsgi', 'wrap-express'),
      row('tsgi stack(express)', 'tsgi', 'wrap-express+stack', true),
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi(express)',
    expect: { status: 200, body: JSON_10K, gzip: false },
    goals: [
      { row: 'tsgi(express)', vs: 'express', min: 0.9, text: 'wrapped Express >= 0.9x plain Express' },
      { row: 'tsgi stack(express)', vs: 'express+mw', min: 0.9, text: 'wrapped Express + accessLog + gzip >= 0.9x Express + morgan + compression' },
    ],
  },
  {
    name: 'rate-limit',
    title: 'Rate limiting, memory store',
    what: `hello world under each framework's in-memory rate limiter (one client, a quota of ${RATE_LIMIT_QUOTA.toLocaleString('en')} a minute so nothing is refused; RateLimit fields in the IETF draft's form where the limiter has it): tsgi's rateLimit() (GCRA, memoryStore), express-rate-limit 8 on Express 5, hono-rate-limiter on Hono.`,
    path: '/',
    headers: {},
    rows: [
      row('raw-node', 'raw-node', 'hello'),
      row('tsgi', 'tsgi', 'hello'),
      row('tsgi+rateLimit', 'tsgi', 'hello+rate-limit'),
      row('express', 'express', 'hello'),
      row('express+express-rate-limit', 'express', 'hello+rate-limit'),
      row('hono', 'hono', 'hello'),
      row('hono+hono-rate-limiter', 'hono', 'hello+rate-limit'),
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: Buffer.from(HELLO_TEXT), gzip: false },
    goals: [
      { row: 'tsgi+rateLimit', vs: 'tsgi', min: 0.9, text: 'rateLimit() with the memory store costs hello world <= 10%' },
      { row: 'tsgi+rateLimit', vs: 'express+express-rate-limit', min: 1.0, text: 'tsgi + rateLimit() >= 1.0x Express + express-rate-limit' },
      { row: 'tsgi+rateLimit', vs: 'hono+hono-rate-limiter', min: 1.0, text: 'tsgi + rateLimit() >= 1.0x Hono + hono-rate-limiter' },
    ],
  },
  {
    name: 'rate-limit-redis',
    title: 'Rate limiting, Redis store',
    what: `hello world under tsgi's rateLimit() (GCRA, one client, a quota of ${RATE_LIMIT_QUOTA.toLocaleString('en')} a minute so nothing is refused) with the memory store and with @tsgi/redis's redisStore() on a local redis-server (ioredis, offline queue off, fail closed so a store failure would show as a 503): one EVALSHA round trip per request.`,
    path: '/',
    headers: {},
    redis: true,
    rows: [
      row('raw-node', 'raw-node', 'hello'),
      row('tsgi', 'tsgi', 'hello'),
      row('tsgi+rateLimit', 'tsgi', 'hello+rate-limit'),
      row('tsgi+rateLimit(redis)', 'tsgi', 'hello+rate-limit-redis'),
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: Buffer.from(HELLO_TEXT), gzip: false },
    goals: [
      { row: 'tsgi+rateLimit(redis)', vs: 'tsgi+rateLimit', min: 0.5, text: '(reference) the Redis store, a network round trip per request, keeps >= 0.5x the memory store' },
    ],
  },
  ...(['1k', '1m'] as const).map((size): Scenario => ({
    name: `static-${size}`,
    title: `Static file, ${size === '1k' ? '1 KB' : '1 MB'}`,
    what: `GET of a ${size === '1k' ? '1 KB text' : '1 MB binary'} file, no Accept-Encoding: staticFiles under serve(), @fastify/static, Express's serve-static, and node:http with fs.stat + fs.createReadStream (no validators).`,
    path: size === '1k' ? STATIC_1K_PATH : STATIC_1M_PATH,
    headers: {},
    rows: ['raw-node', 'tsgi', 'fastify', 'serve-static'].map((peer) => row(peer, 'static', peer)),
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: size === '1k' ? STATIC_1K : STATIC_1M, gzip: false },
    goals: [{ row: 'tsgi', vs: 'fastify', min: 1.0, text: `staticFiles ${size === '1k' ? '1 KB' : '1 MB'} >= 1.0x @fastify/static` }],
  })),
  {
    name: 'adapters',
    title: 'tsgi gzip() inside Express, Koa and Fastify',
    what: "The 10 KB JSON compressed inside each framework: by its own compression middleware (compression, koa-compress, @fastify/compress) and by tsgi's gzip() mounted with @tsgi/adapters (toConnect, toKoa, toFastify).",
    path: STACK_PATH,
    headers: REQUEST_HEADERS,
    rows: [
      row('raw-node', 'raw-node', 'gzip-10k'),
      row('tsgi', 'tsgi', 'gzip-10k'),
      row('express+compression', 'express', 'gzip-json'),
      row('express+toConnect(gzip)', 'express', 'gzip-json+tsgi'),
      row('koa+koa-compress', 'koa', 'gzip-json'),
      row('koa+toKoa(gzip)', 'koa', 'gzip-json+tsgi'),
      row('fastify+@fastify/compress', 'fastify', 'gzip-json'),
      row('fastify+toFastify(gzip)', 'fastify', 'gzip-json+tsgi'),
    ],
    baseline: 'raw-node',
    tsgi: 'tsgi',
    expect: { status: 200, body: JSON_10K, gzip: true },
    goals: [
      { row: 'express+toConnect(gzip)', vs: 'express+compression', min: 1.0, text: 'Express + toConnect(gzip()) >= 1.0x Express + compression' },
      { row: 'koa+toKoa(gzip)', vs: 'koa+koa-compress', min: 1.0, text: 'Koa + toKoa(gzip()) >= 1.0x Koa + koa-compress' },
      { row: 'fastify+toFastify(gzip)', vs: 'fastify+@fastify/compress', min: 1.0, text: 'Fastify + toFastify(gzip()) >= 1.0x Fastify + @fastify/compress' },
    ],
  },
];

/** Names BENCH_SCENARIOS accepts besides the scenario names: `gzip` is the three gzip tables. */
export const GROUPS: Readonly<Record<string, readonly string[]>> = {
  gzip: ['gzip-10k', 'gzip-small', 'gzip-1mb'],
  static: ['static-1k', 'static-1m'],
  all: [...SCENARIOS.map((s) => s.name), 'router', 'websocket'],
};

/** Expands a BENCH_SCENARIOS list (`stack,gzip`) into scenario names, in suite order. */
export function selectScenarios(list: string | undefined): string[] {
  const known = new Set([...SCENARIOS.map((s) => s.name), 'router', 'websocket']);
  const wanted = new Set<string>();
  for (const name of (list ?? 'all').split(',').map((s) => s.trim()).filter(Boolean)) {
    const names = GROUPS[name] ?? [name];
    for (const n of names) {
      if (!known.has(n)) throw new TypeError(`BENCH_SCENARIOS: unknown scenario "${n}" (known: ${[...known, ...Object.keys(GROUPS)].join(', ')})`);
      wanted.add(n);
    }
  }
  return GROUPS.all!.filter((n) => wanted.has(n));
}
