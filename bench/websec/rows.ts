/**
 * The in-process rows of the middleware cost benches (cost.bench.ts by CPU time,
 * instructions.bench.ts by instruction count): each is one request, the app called
 * directly (no socket) with a fresh environ built as serve() builds it for the
 * `pnpm bench` request, the array body walked and closed as the gateway does. A row
 * is made on first use, so a process that runs one row builds only that one (an SDK
 * row's AsyncLocalStorage context manager taxes every promise of the process once
 * used; the other rows must not pay for it).
 *
 * The `floor` rows are the OpenTelemetry SDK with no tsgi in it: what any
 * instrumentation that makes one span per request pays (see docs/benchmarks.md).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, SpanKind, trace, type Attributes, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { basicAuth } from '@tsgi/auth';
import { compose, wrapResponse, type Application, type Body, type Environ, type ResponseHeaders, type ResponseHooks, type StartResponse } from '@tsgi/core';
import { cors } from '@tsgi/cors';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { otel } from '@tsgi/otel';
import { rateLimit } from '@tsgi/rate-limit';
import { secureHeaders } from '@tsgi/secure-headers';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import Fastify from 'fastify';
import { startSdk, type BenchSdk } from '../lib/otel-sdk.js';
import { HELLO, RATE_LIMIT_QUOTA } from '../lib/target.js';
import { CORS_ORIGIN } from '../lib/websec.js';
import { GZIP_LEVEL, GZIP_THRESHOLD, JSON_10K, JSON_TYPE, openLogStream, PASSWORD, REALM, REQUEST_HEADERS, ROUTES, STACK_PATH, USER } from '../lib/workload.js';
import { environFor, stackRoutes as routes } from '../lib/in-process.js';

const TEXT: ResponseHeaders = [['Content-Type', 'text/plain']];
const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return [HELLO];
};

const routesAndAuth = (): Application =>
  compose(gzip({ level: GZIP_LEVEL, threshold: GZIP_THRESHOLD }), basicAuth({ realm: REALM, users: { [USER]: PASSWORD } }))(routes(JSON_10K));
const log = () => accessLog({ format: 'combined', stream: openLogStream(), requestIdHeader: false });
const stack = (): Application => log()(routesAndAuth());
const corsOne = () => cors({ origin: [CORS_ORIGIN], credentials: true });
const SMALL = Buffer.from('{"id":42}');


const noop = (): void => undefined;
const START_ONLY: ResponseHooks<undefined> = { start: noop };
const startResponse: StartResponse = () => noop;

export interface Row {
  name: string;
  /** The row `added` and the ratio are taken against. */
  base: string;
  /** Makes the request function: called once, on the row's first use. */
  make(): () => void | Promise<void>;
}

function walk(body: Body): void | Promise<void> {
  for (const chunk of body as Iterable<Uint8Array>) void chunk;
  const closed = body.close?.();
  if (closed instanceof Promise) return closed;
}

function appRow(name: string, base: string, makeApp: () => Application, environ: () => Environ): Row {
  return {
    name,
    base,
    make() {
      const app = makeApp();
      return function request() {
        const result = app(environ(), startResponse);
        if (result instanceof Promise) return result.then(walk);
        return walk(result);
      };
    },
  };
}

const helloEnv = environFor('/', {});
const corsEnv = environFor('/', { origin: CORS_ORIGIN });
const stackEnv = environFor(STACK_PATH, REQUEST_HEADERS);
const websecEnv = environFor(STACK_PATH, { ...REQUEST_HEADERS, origin: CORS_ORIGIN });

let started: BenchSdk | undefined;
/** The bench SDK (BatchSpanProcessor, in-memory exporter, AsyncLocalStorage context manager), started on first use. */
export const sdk = (): BenchSdk => (started ??= startSdk());
export const stopSdk = async (): Promise<void> => {
  await started?.close();
  started = undefined;
};

/** What otel() starts a span with on the stack request. */
const FLOOR_ATTRIBUTES: Attributes = {
  'http.request.method': 'GET',
  'url.path': STACK_PATH,
  'url.scheme': 'http',
  'server.address': '127.0.0.1',
  'server.port': 3000,
  'client.address': '127.0.0.1',
  'network.protocol.version': '1.1',
  'user_agent.original': REQUEST_HEADERS['user-agent']!,
};

/** A span as otel() makes one, without otel(): start with the attributes, status and route, rename, end. */
function floorRow(name: string, withContext: boolean): Row {
  return {
    name,
    base: 'stack',
    make() {
      const tracer: Tracer = sdk().tracerProvider.getTracer('floor');
      return function span() {
        const s = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { ...FLOOR_ATTRIBUTES } }, ROOT_CONTEXT);
        if (withContext) context.with(trace.setSpan(ROOT_CONTEXT, s), noop);
        s.setAttribute('http.response.status_code', 200);
        s.setAttribute('http.route', '/api/v1/items/:id');
        s.updateName('GET /api/v1/items/:id');
        s.end();
      };
    },
  };
}

/** The SDK's provider, behind a getTracer() that starts it (otel() asks on its first request). */
function sdkProvider(): TracerProvider {
  return sdk().tracerProvider;
}

/**
 * Fastify answering the same routes through `inject()` (light-my-request: no socket,
 * so most of the row is the inject machinery, the same in both rows): the difference
 * is what @fastify/otel adds on the same SDK, beside what otel() adds to router().
 */
function fastifyRow(name: string, withOtel: boolean): Row {
  return {
    name,
    base: 'fastify(inject)',
    make() {
      const app = Fastify();
      if (withOtel) {
        const instrumentation = new FastifyOtelInstrumentation();
        instrumentation.setTracerProvider(sdk().tracerProvider);
        void app.register(instrumentation.plugin());
      }
      for (const [method, url] of ROUTES) app.route({ method: method as 'GET', url, handler: (_request, reply) => void reply.type(JSON_TYPE).send(SMALL) });
      const headers = { ...REQUEST_HEADERS, host: '127.0.0.1:3000' };
      return async function inject() {
        const res = await app.inject({ method: 'GET', url: STACK_PATH, headers });
        if (res.statusCode !== 200) throw new Error(`fastify answered ${res.statusCode}`);
      };
    },
  };
}

export const ROWS: readonly Row[] = [
  appRow('hello', 'hello', () => hello, helloEnv),
  // core's response wrapper with a start hook that does nothing: the part of each middleware's cost that is not its own.
  appRow('hello+wrapResponse', 'hello', () => (environ, startResponse) => wrapResponse(hello, environ, startResponse, START_ONLY, undefined), helloEnv),
  appRow('hello+cors', 'hello', () => corsOne()(hello), corsEnv),
  appRow('hello+secureHeaders', 'hello', () => secureHeaders()(hello), helloEnv),
  appRow('hello+rateLimit', 'hello', () => rateLimit({ limit: RATE_LIMIT_QUOTA, window: 60_000 })(hello), helloEnv),
  appRow('stack', 'stack', stack, websecEnv),
  appRow('stack+cors+secureHeaders', 'stack', () => log()(compose(corsOne(), secureHeaders())(routesAndAuth())), websecEnv),
  appRow('stack+otel(api only)', 'stack', () => otel()(stack()), stackEnv),
  appRow('stack+otel(sdk)', 'stack', () => otel({ tracerProvider: sdkProvider() })(stack()), stackEnv),
  appRow(
    'stack, AsyncLocalStorage on',
    'stack',
    () => {
      // What the SDK's context manager does to a process before any span: every promise pays the async hooks.
      new AsyncLocalStorage<number>().run(1, noop);
      return stack();
    },
    stackEnv,
  ),
  floorRow('floor: SDK span', false),
  floorRow('floor: SDK span + context.with', true),
  appRow('router', 'router', () => routes(SMALL), stackEnv),
  appRow('router+otel(api only)', 'router', () => otel()(routes(SMALL)), stackEnv),
  appRow('router+otel(sdk)', 'router', () => otel({ tracerProvider: sdkProvider() })(routes(SMALL)), stackEnv),
  fastifyRow('fastify(inject)', false),
  fastifyRow('fastify(inject)+@fastify/otel(sdk)', true),
];

/** The rows named in `list` (comma-separated) and their bases; all rows when undefined. */
export function selectRows(list: string | undefined): Row[] {
  if (list === undefined || list === '') return [...ROWS];
  const wanted = new Set(list.split(',').map((s) => s.trim()));
  for (const name of wanted) if (!ROWS.some((r) => r.name === name)) throw new TypeError(`unknown row ${JSON.stringify(name)} (known: ${ROWS.map((r) => r.name).join(', ')})`);
  const bases = new Set(ROWS.filter((r) => wanted.has(r.name)).map((r) => r.base));
  return ROWS.filter((r) => wanted.has(r.name) || bases.has(r.name));
}

/** Runs `request` `n` times, yielding to the event loop every 200 (the log stream drains as it would under a server). */
export async function runRequests(request: () => void | Promise<void>, n: number): Promise<void> {
  for (let done = 0; done < n; done += 200) {
    const batch = Math.min(200, n - done);
    for (let i = 0; i < batch; i++) {
      const pending = request();
      if (pending !== undefined) await pending;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
