/**
 * What each of the small middleware costs a request, in process: the app called
 * directly with a realistic environ (no socket), bare and under each middleware, the
 * body closed as the gateway would. This isolates the layer's own per-request work;
 * a socket adds the same ~10 µs to every row. Rows are measured in interleaved rounds
 * (so drift in a shared machine's load spreads over all of them), medians kept.
 *
 * Two apps: `sync` answers with an array at once (most responses), `async` awaits
 * once before answering (the timeout's timer and the held response's promise path).
 *
 *   npx tsx bench/small/small.bench.ts
 *
 * Prints a table (ns per request, and ns over the bare app of the same kind) and
 * writes bench/small/results.json. Compare rows of one run, not runs across machines.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import type { Application, Body, Environ, InputStream, StartResponse } from '@tsgi/core';
import { ipRestriction } from '@tsgi/ip-restriction';
import { bodyLimit, timeout } from '@tsgi/limits';
import { requestId, requestIdGenerator } from '@tsgi/request-id';
import { serverTiming } from '@tsgi/server-timing';

const here = dirname(fileURLToPath(import.meta.url));
const HELLO = new TextEncoder().encode('Hello, world!');
const HEADERS: Array<[string, string]> = [['Content-Type', 'text/plain'], ['Content-Length', String(HELLO.length)]];

const sync: Application = (_environ, startResponse) => {
  startResponse('200 OK', HEADERS);
  return [HELLO];
};
const async: Application = async (_environ, startResponse) => {
  await undefined;
  startResponse('200 OK', HEADERS);
  return [HELLO];
};

const EMPTY_INPUT = {} as InputStream; // never read here

/** An environ built the way @tsgi/server builds one: a literal, then a key per header. */
function environ(extra: Record<string, string>): Environ {
  const env = {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/api/users/42',
    QUERY_STRING: 'fields=name,email',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '10.1.2.3',
    REMOTE_PORT: '50000',
    HTTP_HOST: 'localhost:8000',
    HTTP_USER_AGENT: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    HTTP_ACCEPT: '*/*',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.input': EMPTY_INPUT,
    'wsgi.input_terminated': true,
  } as unknown as Environ;
  for (const key in extra) env[key] = extra[key];
  return env;
}

const noop = (): void => undefined;
const startResponse: StartResponse = () => noop;

interface Variant {
  name: string;
  kind: 'sync' | 'async';
  app: Application;
  /** Environ keys this row's requests carry. */
  extra?: Record<string, string>;
}

const small = (name: string, wrap: (app: Application) => Application, extra?: Record<string, string>): Variant[] => [
  { name, kind: 'sync', app: wrap(sync), extra },
  { name, kind: 'async', app: wrap(async), extra },
];

const VARIANTS: Variant[] = [
  ...small('bare', (app) => app),
  ...small('requestId() (randomUUID)', requestId()),
  ...small('requestId() incoming id reused', requestId(), { HTTP_X_REQUEST_ID: 'edge-4f2a9c' }),
  ...small('requestId({ generate: requestIdGenerator() })', requestId({ generate: requestIdGenerator() })),
  ...small('timeout({ ms: 30000 })', timeout({ ms: 30_000 })),
  ...small('bodyLimit() GET (no CONTENT_LENGTH)', bodyLimit()),
  ...small('bodyLimit() CONTENT_LENGTH under limit', bodyLimit(), { CONTENT_LENGTH: '512' }),
  ...small('ipRestriction({ allow, deny })', ipRestriction({ allow: ['10.0.0.0/8', 'fd00::/8'], deny: ['10.0.66.0/24'] })),
  ...small('serverTiming()', serverTiming()),
  ...small('serverTiming({ enabled: false })', serverTiming({ enabled: false })),
];

function settle(result: Body | Promise<Body>): Body | Promise<void> {
  if (result instanceof Promise) return result.then((body) => void body.close?.());
  void result.close?.();
  return result;
}

/** ns per request over `ms` of wall time. */
async function measure(variant: Variant, ms: number): Promise<number> {
  const extra = variant.extra ?? {};
  let n = 0;
  const start = process.hrtime.bigint();
  const limit = start + BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() < limit) {
    for (let i = 0; i < 200; i++) {
      const done = settle(variant.app(environ(extra), startResponse));
      if (done instanceof Promise) await done;
    }
    n += 200;
  }
  return Number(process.hrtime.bigint() - start) / n;
}

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
  const roundMs = Number(process.env.BENCH_ROUND_MS ?? 300);
  const load = loadavg();
  for (const variant of VARIANTS) await measure(variant, 200); // warm-up
  const samples = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const variant of order) samples.get(variant)!.push(await measure(variant, roundMs));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const bare = { sync: median(samples.get(VARIANTS[0]!)!), async: median(samples.get(VARIANTS[1]!)!) };
  const rows = VARIANTS.map((variant) => {
    const ns = median(samples.get(variant)!);
    return { middleware: variant.name, app: variant.kind, nsPerRequest: Math.round(ns), nsAdded: Math.round(ns - bare[variant.kind]) };
  });
  console.log(`In process, ns per request (median of ${rounds} rounds of ${roundMs} ms; load average ${load.map((x) => x.toFixed(1)).join(' ')}):`);
  console.table(rows);
  writeFileSync(
    join(here, 'results.json'),
    JSON.stringify({ date: new Date().toISOString(), node: process.version, loadavg: load, rounds, roundMs, rows }, null, 2) + '\n',
  );
}

void main();
