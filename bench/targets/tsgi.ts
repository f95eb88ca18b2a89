/**
 * tsgi's gateway, serve(), for every scenario: apps return array bodies; the stack is
 * accessLog (combined, no request-id header, to the shared log stream) + gzip (level
 * 6, one-shot for whole bodies) + basicAuth + router() over the 20 routes; `wrap-*`
 * runs the Express app of bench/targets/express.ts through fromNodeListener; `+cors`
 * is cors() with one allowed origin and credentials, `+secure` secureHeaders()'s
 * defaults, `stack+websec` the stack with both under the access log.
 * `stack+otel` puts otel() outermost with only @opentelemetry/api (no SDK: every call
 * a no-op); `stack+otel-sdk` with the SDK of bench/lib/otel-sdk.ts;
 * `hello+rate-limit` is hello under rateLimit() with the memory store,
 * `hello+rate-limit-redis` with @tsgi/redis's redisStore() on the Redis at
 * BENCH_REDIS_URL (fail closed: a store failure is a 503, not a faster 200); `json-post`
 * reads the body with @tsgi/request's request(environ).json() and answers with json();
 * `json-post-core` does the same by hand with core's readBody, to show what the view costs.
 * `upload` streams a multipart body through request(environ).multipart(), counting the
 * file's bytes as they pass; `upload-form` reads it with readMultipartForm (the file
 * stored: a temp file past 500 kB), removed when the response body closes.
 * `hello+session-cookie` and `hello+session-memory` read and write a counter in the
 * visitor's session (bench/lib/session.ts) with cookieStore() and memoryStore();
 * `stack+session-redis` does the same above the stack with @tsgi/redis's
 * redisSessionStore() on the Redis at BENCH_REDIS_URL (a read and a write per request).
 */
import { compose, onClose, readBody, type Application, type ResponseHeaders } from '@tsgi/core';
import { basicAuth } from '@tsgi/auth';
import { cors } from '@tsgi/cors';
import { secureHeaders } from '@tsgi/secure-headers';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { otel } from '@tsgi/otel';
import { rateLimit } from '@tsgi/rate-limit';
import { redisSessionStore, redisStore } from '@tsgi/redis';
import { Redis } from 'ioredis';
import { httpErrors } from '@tsgi/errors';
import { json, readMultipartForm, request } from '@tsgi/request';
import { router } from '@tsgi/router';
import { fromNodeListener } from '@tsgi/adapters';
import { serve } from '@tsgi/server';
import { HELLO, RATE_LIMIT_QUOTA, REDIS_URL_ENV, unknownScenario, type Target } from '../lib/target.js';
import { GZIP_LEVEL, GZIP_THRESHOLD, JSON_10K, JSON_1M, JSON_SMALL, JSON_TYPE, openLogStream, PASSWORD, POST_LIMIT, REALM, ROUTES, UPLOAD_LIMIT, uploadAnswer, USER } from '../lib/workload.js';
import { cookieStore, memoryStore, session, sessionOf } from '@tsgi/session';
import { expressApp } from './express.js';
import { CORS_ORIGIN } from '../lib/websec.js';
import { startSdk, type BenchSdk } from '../lib/otel-sdk.js';
import { SESSION_SECRET, START_VISITS, TSGI_COOKIE, TSGI_MEMORY, TSGI_MEMORY_ID, TSGI_REDIS } from '../lib/session.js';

const TEXT: ResponseHeaders = [['Content-Type', 'text/plain']];
const JSON_HEADERS: ResponseHeaders = [['Content-Type', JSON_TYPE]];
const CHUNK = 64 * 1024;

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return [HELLO];
};
function jsonApp(body: Buffer): Application {
  const chunks = [body];
  return function json(_environ, startResponse) {
    startResponse('200 OK', JSON_HEADERS);
    return chunks;
  };
}
/** 1 MB yielded in 64 KB slices, so gzip() has to stream it. */
const streamedJson: Application = (_environ, startResponse) => {
  startResponse('200 OK', JSON_HEADERS);
  return (function* slices() {
    for (let i = 0; i < JSON_1M.byteLength; i += CHUNK) yield JSON_1M.subarray(i, i + CHUNK);
  })();
};

/** The JSON POST: the body through request(environ).json(), the answer through json(). */
const jsonPost: Application = async function jsonPost(environ, startResponse) {
  const items = await request(environ).json<unknown[]>({ limit: POST_LIMIT });
  return json({ received: items.length })(environ, startResponse);
};

/** The same by hand on core alone: readBody, JSON.parse, the answer's bytes. */
const utf8 = new TextDecoder();
const jsonPostByHand: Application = async function jsonPostByHand(environ, startResponse) {
  const items = JSON.parse(utf8.decode(await readBody(environ, { limit: POST_LIMIT }))) as unknown[];
  const answer = Buffer.from(JSON.stringify({ received: items.length }));
  startResponse('200 OK', [['Content-Type', JSON_TYPE], ['Content-Length', String(answer.byteLength)]]);
  return [answer];
};

const UPLOAD_LIMITS = { maxFileSize: UPLOAD_LIMIT, maxTotalSize: UPLOAD_LIMIT };

function uploadAnswerApp(fields: number, title: string | undefined, size: number): Application {
  const answer = Buffer.from(uploadAnswer(fields, title, size));
  return (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', JSON_TYPE], ['Content-Length', String(answer.byteLength)]]);
    return [answer];
  };
}

/** The upload streamed: fields as text, the file's bytes counted as they pass, never kept. */
const upload: Application = async function upload(environ, startResponse) {
  let fields = 0;
  let title: string | undefined;
  let size = 0;
  for await (const part of request(environ).multipart(UPLOAD_LIMITS)) {
    if (part.isFile) {
      for await (const chunk of part.stream()) size += chunk.byteLength;
    } else {
      const value = await part.text();
      fields++;
      if (part.name === 'title') title = value;
    }
  }
  return uploadAnswerApp(fields, title, size)(environ, startResponse);
};

/** The upload as a whole form: the file stored (a temp file), removed when the response closes. */
const uploadForm: Application = async function uploadForm(environ, startResponse) {
  const form = await readMultipartForm(environ, UPLOAD_LIMITS);
  const body = await uploadAnswerApp(form.fields.length, form.get('title'), form.file('photo')?.size ?? -1)(environ, startResponse);
  return onClose(body, () => void form.cleanup());
};
/** Hello world that counts the visitor's requests in the session. */
const counted: Application = function counted(environ, startResponse) {
  const s = sessionOf(environ);
  const visits = (s.get<number>('visits') ?? 0) + 1;
  s.set('visits', visits);
  startResponse('200 OK', [['Content-Type', 'text/plain'], ['X-Visits', String(visits)]]);
  return [HELLO];
};
const DAY = 86_400_000;
let sessions: ReturnType<typeof memoryStore> | undefined;

const compress = () => gzip({ level: GZIP_LEVEL, threshold: GZIP_THRESHOLD });
const log = () => accessLog({ format: 'combined', stream: openLogStream(), requestIdHeader: false });

function routesAndAuth(): Application {
  const routes = router();
  const answer = jsonApp(JSON_10K);
  for (const [method, pattern] of ROUTES) routes.route(method, pattern, answer);
  return compose(compress(), basicAuth({ realm: REALM, users: { [USER]: PASSWORD } }))(routes);
}
const stack = (): Application => log()(routesAndAuth());
const corsOne = () => cors({ origin: [CORS_ORIGIN], credentials: true });
let sdk: BenchSdk | undefined;
let redis: Redis | undefined;

/** Every Redis timeout of the targets, ms: 1000, or more under valgrind (bench/cost/socket.ts sets 60 s). */
const REDIS_TIMEOUT = Number(process.env.BENCH_REDIS_TIMEOUT ?? 1000);

/** ioredis on BENCH_REDIS_URL; `autoPipelining`: the commands of one event-loop turn go out in one write. */
function redisClient(autoPipelining = false): Redis {
  const url = process.env[REDIS_URL_ENV];
  if (url === undefined) throw new Error(`the Redis targets need a Redis URL in ${REDIS_URL_ENV}`);
  return (redis = new Redis(url, { enableOfflineQueue: false, commandTimeout: REDIS_TIMEOUT, maxRetriesPerRequest: 1, enableAutoPipelining: autoPipelining }));
}

/** Reads and writes the visitor's counter in its session, then answers with `inner`. */
const countedThen =
  (inner: Application): Application =>
  (environ, startResponse) => {
    const s = sessionOf(environ);
    s.set('visits', (s.get<number>('visits') ?? 0) + 1);
    return inner(environ, startResponse);
  };
let redisSessions: ReturnType<typeof redisSessionStore> | undefined;

const SCENARIOS: Record<string, () => Application> = {
  hello: () => hello,
  'hello+log': () => log()(hello),
  'hello+cors': () => corsOne()(hello),
  'hello+secure': () => secureHeaders()(hello),
  'hello+session-cookie': () => session({ store: cookieStore({ keys: [SESSION_SECRET] }), cookie: { name: TSGI_COOKIE } })(counted),
  'hello+session-memory': () => session({ store: (sessions = memoryStore()), cookie: { name: TSGI_MEMORY } })(counted),
  'hello+rate-limit': () => rateLimit({ limit: RATE_LIMIT_QUOTA, window: 60_000 })(hello),
  'hello+rate-limit-redis': () => rateLimit({ limit: RATE_LIMIT_QUOTA, window: 60_000, onStoreError: 'closed', store: redisStore(redisClient()) })(hello),
  stack,
  'stack+session-redis': () => session({ store: (redisSessions = redisSessionStore(redisClient(), { timeout: REDIS_TIMEOUT })), storeTimeout: REDIS_TIMEOUT, cookie: { name: TSGI_REDIS } })(countedThen(stack())),
  'stack+session-redis-autopipe': () => session({ store: (redisSessions = redisSessionStore(redisClient(true), { timeout: REDIS_TIMEOUT })), storeTimeout: REDIS_TIMEOUT, cookie: { name: TSGI_REDIS } })(countedThen(stack())),
  'stack+websec': () => log()(compose(corsOne(), secureHeaders())(routesAndAuth())),
  'stack-nolog': routesAndAuth,
  'stack+otel': () => otel()(stack()),
  'stack+otel-sdk': () => otel({ tracerProvider: (sdk = startSdk()).tracerProvider })(stack()),
  'gzip-10k': () => compress()(jsonApp(JSON_10K)),
  'gzip-1mb': () => compress()(jsonApp(JSON_1M)),
  'gzip-1mb-stream': () => compress()(streamedJson),
  'json-small': () => jsonApp(JSON_SMALL),
  'json-small+gzip': () => compress()(jsonApp(JSON_SMALL)),
  // httpErrors() answers what the reader refuses (400, 413, 415), as the frameworks do.
  'json-post': () => httpErrors()(jsonPost),
  'json-post-core': () => httpErrors()(jsonPostByHand),
  upload: () => httpErrors()(upload),
  'upload-form': () => httpErrors()(uploadForm),
  'wrap-express': () => fromNodeListener(expressApp('json')),
  'wrap-express+stack': () => compose(log(), compress())(fromNodeListener(expressApp('json'))),
};

const target: Target = {
  name: 'tsgi serve()',
  scenarios: Object.keys(SCENARIOS),
  async start(scenario, port) {
    if (!Object.hasOwn(SCENARIOS, scenario)) unknownScenario('tsgi', scenario);
    const app = SCENARIOS[scenario]!();
    // The visitor of bench/lib/session.ts already has a session in the memory store.
    await sessions?.set(TSGI_MEMORY_ID, { data: { visits: START_VISITS }, created: Date.now() }, DAY);
    sessions = undefined;
    const served = await serve(app, { port, host: '127.0.0.1', shutdownTimeout: 0 });
    const started = sdk;
    const client = redis;
    sdk = redis = undefined;
    // Connected before READY: with the offline queue off, a request before that would be a 503.
    if (client !== undefined && client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    // The visitor of the session-redis scenario already has a session in Redis.
    await redisSessions?.set(TSGI_MEMORY_ID, { data: { visits: START_VISITS }, created: Date.now() }, DAY);
    redisSessions = undefined;
    const close = async (): Promise<void> => {
      await served.close();
      await started?.close();
      client?.disconnect();
    };
    return { port: Number(new URL(served.url).port), close };
  },
};
export default target;
