/**
 * What an access log costs a request, two ways:
 *
 * 1. In process: the app called directly with a realistic environ (no socket), bare
 *    and under `accessLog()` in each format, lines going to a stream that discards
 *    them. This isolates the logger's own per-request work.
 * 2. Over a socket: `serve(app)` against `serve(accessLog({ format: 'combined' })(app))`
 *    with autocannon, each server in its own process, rounds alternated, lines to a
 *    /dev/null file stream. The budget is at most 5% throughput lost here.
 *
 *   npx tsx bench/logger/logger.bench.ts [--no-socket]
 *
 * Prints a table and writes bench/logger/results.json. Figures are medians of several
 * rounds after a warm-up; compare ratios from one run, not numbers across machines.
 */
import { fork } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Application, Body, Environ, StartResponse } from '@tsgi/core';
import { serve } from '@tsgi/server';
import { accessLog, type LogFormat } from '@tsgi/logger';

const here = dirname(fileURLToPath(import.meta.url));
const HELLO = Buffer.from('Hello, world!');
const HEADERS: Array<[string, string]> = [['Content-Type', 'text/plain'], ['Content-Length', String(HELLO.length)]];
const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', HEADERS);
  return [HELLO];
};

const HEADER_LINES = [
  ['Host', 'localhost:8000'],
  ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'],
  ['Referer', 'http://localhost:8000/start'],
  ['Accept', '*/*'],
];

/** An environ built the way @tsgi/server builds one: a literal, then a key per header. */
function environ(): Environ {
  const env = {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/api/users/42',
    QUERY_STRING: 'fields=name,email',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REQUEST_URI: '/api/users/42?fields=name,email',
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_PORT: '50000',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
  } as unknown as Environ;
  for (const [name, value] of HEADER_LINES) env['HTTP_' + name!.toUpperCase().replaceAll('-', '_')] = value;
  return env;
}

const noop = (): void => undefined;
const startResponse: StartResponse = () => noop;

function opsPerSecond(app: Application, rounds = 7, roundMs = 300): number {
  const call = (): void => {
    // A fresh environ per request, as the gateway makes one (the bare run pays for it too).
    const body = app(environ(), startResponse) as Body;
    void body.close?.();
  };
  for (let i = 0; i < 100_000; i++) call();
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    const start = process.hrtime.bigint();
    const limit = start + BigInt(roundMs) * 1_000_000n;
    while (process.hrtime.bigint() < limit) {
      for (let i = 0; i < 1000; i++) call();
      ops += 1000;
    }
    results.push(ops / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)]!;
}

async function inProcess(): Promise<Array<{ variant: string; opsPerSec: number; ratio: number }>> {
  let written = 0;
  const sink = { write: (text: string) => void (written += text.length) };
  const variants: Array<[string, Application]> = [['bare app', hello]];
  for (const format of ['common', 'combined', 'json'] as LogFormat[]) {
    const logger = accessLog({ format, stream: sink });
    variants.push([`accessLog ${String(format)}`, logger(hello)]);
  }
  const rows = [];
  let base = 0;
  for (const [variant, app] of variants) {
    // Let the batched writes of the previous variant drain between measurements.
    await new Promise((resolve) => setImmediate(resolve));
    const ops = opsPerSecond(app);
    if (variant === 'bare app') base = ops;
    rows.push({ variant, opsPerSec: Math.round(ops), ratio: Number((ops / base).toFixed(3)) });
  }
  if (written === 0) throw new Error('the loggers wrote nothing: the benchmark measured nothing');
  return rows;
}

const VARIANTS = ['bare', 'combined'] as const;
type Variant = (typeof VARIANTS)[number];

/** Child process: serves one variant and answers 'cpu' with its CPU time in microseconds. */
async function child(variant: Variant): Promise<void> {
  const devNull = createWriteStream('/dev/null');
  const app = variant === 'bare' ? hello : accessLog({ format: 'combined', stream: devNull })(hello);
  const served = await serve(app, { port: 0 });
  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ cpu: user + system });
    } else if (message === 'stop') {
      void served.close().then(() => process.exit(0));
    }
  });
  process.send!({ url: served.url });
}

interface Server {
  url: string;
  cpu(): Promise<number>;
  stop(): void;
}

function startChild(variant: Variant): Promise<Server> {
  const proc = fork(fileURLToPath(import.meta.url), ['--child', variant], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('message', (message: { url: string }) => {
      resolve({
        url: message.url,
        cpu: () => new Promise((done) => {
          proc.once('message', (m: { cpu: number }) => done(m.cpu));
          proc.send('cpu');
        }),
        stop: () => void proc.send('stop'),
      });
    });
  });
}

/**
 * Each variant's server runs in its own process, so the client's work (autocannon,
 * here) is not billed to it. Besides throughput, the server's CPU time per request is
 * measured: on a busy shared machine that is the steadier figure.
 */
async function overSocket(rounds = 5, seconds = 3) {
  const servers = { bare: await startChild('bare'), combined: await startChild('combined') };
  const runs: Record<Variant, Array<{ rps: number; cpuUsPerReq: number }>> = { bare: [], combined: [] };
  const run = async (server: Server): Promise<{ rps: number; cpuUsPerReq: number }> => {
    const before = await server.cpu();
    const result = await autocannon({ url: server.url + '/api/users/42?fields=name,email', connections: 50, duration: seconds });
    const cpu = (await server.cpu()) - before;
    return { rps: result.requests.average, cpuUsPerReq: cpu / Math.max(1, result.requests.total) };
  };
  try {
    for (const v of VARIANTS) await run(servers[v]); // warm-up
    for (let r = 0; r < rounds; r++) {
      // Alternate the order so drift in the machine's load does not favour one side.
      for (const v of r % 2 ? [...VARIANTS].reverse() : VARIANTS) runs[v].push(await run(servers[v]));
    }
  } finally {
    for (const v of VARIANTS) servers[v].stop();
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = (v: Variant) => ({
    variant: v,
    rps: Math.round(median(runs[v].map((x) => x.rps))),
    cpuUsPerReq: Number(median(runs[v].map((x) => x.cpuUsPerReq)).toFixed(2)),
  });
  const bare = summary('bare');
  const combined = summary('combined');
  return {
    rows: [bare, combined],
    throughputRatio: Number((combined.rps / bare.rps).toFixed(3)),
    cpuRatio: Number((combined.cpuUsPerReq / bare.cpuUsPerReq).toFixed(3)),
  };
}

async function main(): Promise<void> {
  const rows = await inProcess();
  console.log('\nIn process (requests/s, ratio to the bare app):');
  console.table(rows);
  let socket: Awaited<ReturnType<typeof overSocket>> | undefined;
  if (!process.argv.includes('--no-socket')) {
    socket = await overSocket();
    console.log('Over a socket, autocannon, 50 connections (median of rounds; server CPU time per request):');
    console.table(socket.rows);
    console.log(`combined/bare: throughput ${socket.throughputRatio}, CPU per request ${socket.cpuRatio}`);
  }
  writeFileSync(
    join(here, 'results.json'),
    JSON.stringify(
      {
        benchmark: 'access log cost',
        date: new Date().toISOString(),
        node: process.version,
        caveat: 'one run on a shared machine; compare ratios within a run, re-measure before quoting',
        inProcess: rows,
        socket,
      },
      null,
      2,
    ) + '\n',
  );
}

const childAt = process.argv.indexOf('--child');
if (childAt !== -1) void child(process.argv[childAt + 1] as Variant);
else void main();
