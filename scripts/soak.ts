/**
 * Soak test for the gateway (`pnpm soak`, i.e. `tsx --expose-gc scripts/soak.ts`), two phases:
 *
 * - mixed: 50 000 keep-alive requests over 32 connections mixing GET, POST with bodies
 *   (fixed length and chunked), HEAD, a route that throws, and clients that abort
 *   mid-stream. Prints RSS and heap after 10k and 50k requests (after a GC when
 *   --expose-gc is on) and fails if the heap grew by more than 5 MB between them.
 * - pipelined-abort: 2 000 connections that each pipeline 1 to 8 requests for streamed,
 *   file and array bodies and hang up early (at once, on the first bytes, or after
 *   some bytes). node holds a pipelined response until the one before it is done, so
 *   these are the bodies a gateway forgets most easily. Fails unless the open file
 *   descriptors (/proc/self/fd, on Linux) come back to where they were.
 *
 * Both fail unless every body the app returned was closed exactly once (close() calls
 * === app calls that returned one) and every streamed body that started ran its `finally`.
 *
 * - websocket (only when named): idle WebSocket connections held while the gateway
 *   pings them, memory sampled each second (scripts/soak-websocket.ts).
 *
 * Usage: tsx --expose-gc scripts/soak.ts [total=50000] [all|mixed|pipelined-abort]
 *        tsx --expose-gc scripts/soak.ts 0 websocket [sockets=1000] [seconds=10] [ping ms=1000]
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Application, Body } from '@tsgi/core';
import { serve } from '@tsgi/server';

const TOTAL = Number(process.argv[2] ?? 50_000);
const MODE = process.argv[3] ?? 'all';
if (!['all', 'mixed', 'pipelined-abort', 'websocket'].includes(MODE)) {
  console.error(`soak: the mode must be all, mixed, pipelined-abort or websocket, got ${MODE}`);
  process.exit(2);
}
if (MODE === 'websocket') {
  const { soakWebSockets } = await import('./soak-websocket.js');
  const report = await soakWebSockets(Number(process.argv[4] ?? 1000), Number(process.argv[5] ?? 10), console.log, Number(process.argv[6] ?? 1000));
  if (report.problems.length > 0) {
    console.error(`soak: FAILED: ${report.problems.join('; ')}`);
    process.exit(1);
  }
  console.log('soak: OK (every socket held, heap flat, every close handler ran once)');
  process.exit(0);
}
const CONCURRENCY = 32;
const PIPELINED_CONNECTIONS = 2000;
const MB = 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'tsgi-soak-'));
const FILE = join(dir, 'file.bin');
writeFileSync(FILE, Buffer.alloc(2 * MB, 120));

let appCalls = 0;
let bodiesReturned = 0;
let closeCalls = 0;
let thrown = 0;
let loggedErrors = 0;
let started = 0;
let finalized = 0;

function closing<T extends Body>(body: T): T {
  bodiesReturned++;
  const inner = body.close?.bind(body);
  return Object.assign(body, {
    close() {
      closeCalls++;
      return inner?.();
    },
  });
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function* stream(chunks: number): AsyncGenerator<Uint8Array> {
  started++;
  try {
    for (let i = 0; i < chunks; i++) {
      yield Buffer.alloc(1024, 97);
      await tick();
    }
  } finally {
    finalized++;
  }
}

const app: Application = async (environ, startResponse) => {
  appCalls++;
  const path = environ.PATH_INFO;
  if (path === '/throw') {
    thrown++;
    throw new Error('soak: the throwing route');
  }
  if (environ.REQUEST_METHOD === 'POST') {
    let total = 0;
    for await (const chunk of environ['wsgi.input']) total += chunk.byteLength;
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return closing([Buffer.from(`got ${total}`)]);
  }
  if (path === '/stream' || path === '/long-stream') {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return closing(stream(path === '/stream' ? 20 : 2000));
  }
  if (path === '/file') {
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
    return closing(environ['wsgi.file_wrapper']!(FILE, 64 * 1024));
  }
  startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']]);
  return closing([Buffer.from('hello')]);
};

const served = await serve(app, { port: 0, errors: { write: () => void loggedErrors++ } });
const { hostname, port } = new URL(served.url);
const problems: string[] = [];

function memory(label: string): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`${label}: rss ${(rss / MB).toFixed(1)} MB, heap ${(heapUsed / MB).toFixed(1)} MB`);
  return { rss, heap: heapUsed };
}

/** Waits (at most 2 s) for the server to close the bodies of clients that hung up. */
async function settle(): Promise<void> {
  for (let i = 0; i < 100 && (closeCalls < bodiesReturned || finalized < started); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function checkCloses(phase: string): void {
  console.log(
    `${phase}: app calls ${appCalls}, bodies returned ${bodiesReturned}, close() calls ${closeCalls}, ` +
      `streams started ${started}, finally ran ${finalized}, thrown ${thrown}, errors logged ${loggedErrors}`,
  );
  if (closeCalls !== bodiesReturned) problems.push(`${phase}: close() calls ${closeCalls} != bodies returned ${bodiesReturned}`);
  if (appCalls !== bodiesReturned + thrown) problems.push(`${phase}: app calls ${appCalls} != bodies + thrown ${bodiesReturned + thrown}`);
  if (finalized !== started) problems.push(`${phase}: finally ran ${finalized} times for ${started} streams started`);
}

async function mixed(): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const POST_BODY = Buffer.alloc(4096, 98);
  type Kind = 'get' | 'head' | 'post' | 'chunked' | 'throw' | 'abort';
  const KINDS: Kind[] = ['get', 'get', 'get', 'head', 'post', 'chunked', 'throw', 'abort'];
  const counts: Record<Kind, number> = { get: 0, head: 0, post: 0, chunked: 0, throw: 0, abort: 0 };
  let failures = 0;

  function once(kind: Kind): Promise<void> {
    return new Promise((resolve) => {
      const method = kind === 'head' ? 'HEAD' : kind === 'post' || kind === 'chunked' ? 'POST' : 'GET';
      const path = kind === 'throw' ? '/throw' : kind === 'abort' ? '/stream' : '/';
      const headers: Record<string, string> = kind === 'post' ? { 'Content-Length': String(POST_BODY.byteLength) } : {};
      const req = request({ agent, hostname, port, method, path, headers }, (res) => {
        const expected = kind === 'throw' ? 500 : 200;
        if (res.statusCode !== expected) failures++;
        if (kind === 'abort') {
          // Hang up after the first bytes of a streamed body: the server must close() it.
          res.once('data', () => req.destroy());
          res.once('close', resolve);
          return;
        }
        res.resume();
        res.once('end', resolve);
        res.once('error', () => resolve());
      });
      req.on('error', () => {
        if (kind !== 'abort') failures++;
        resolve();
      });
      if (kind === 'post') req.end(POST_BODY);
      else if (kind === 'chunked') {
        req.write(POST_BODY.subarray(0, 1000));
        req.end(POST_BODY.subarray(1000));
      } else req.end();
    });
  }

  let sent = 0;
  let done = 0;
  let at10k: { rss: number; heap: number } | undefined;
  async function client(): Promise<void> {
    while (sent < TOTAL) {
      const kind = KINDS[sent++ % KINDS.length]!;
      counts[kind]++;
      await once(kind);
      done++;
      if (done === Math.min(10_000, TOTAL)) at10k = memory(`after ${done} requests`);
    }
  }

  const begun = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const seconds = (Date.now() - begun) / 1000;
  await settle();
  const atEnd = memory(`after ${done} requests`);
  agent.destroy();
  console.log(`mixed: ${done} requests in ${seconds.toFixed(1)} s (${Math.round(done / seconds)}/s): ${JSON.stringify(counts)}, client failures ${failures}`);
  checkCloses('mixed');
  if (failures > 0) problems.push(`mixed: ${failures} requests failed`);
  if (at10k !== undefined && atEnd.heap - at10k.heap > 5 * MB) {
    problems.push(`mixed: heap grew ${((atEnd.heap - at10k.heap) / MB).toFixed(1)} MB from 10k to ${done}`);
  }
  if (at10k !== undefined) console.log(`mixed: heap ${((atEnd.heap - at10k.heap) / MB).toFixed(2)} MB from 10k to ${done}`);
}

const FD_DIR = '/proc/self/fd';
const openFds = (): number => (existsSync(FD_DIR) ? readdirSync(FD_DIR).length : -1);

/** One connection: pipelines `paths` and hangs up at `abortAt` bytes received (0: at once). */
function pipelineAndHangUp(paths: string[], abortAt: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = 0;
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
    socket.once('connect', () => {
      socket.write(paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: soak\r\n\r\n`).join(''));
      if (abortAt === 0) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received >= abortAt) socket.destroy();
    });
  });
}

async function pipelinedAbort(): Promise<void> {
  const PATHS = ['/long-stream', '/file', '/stream', '/', '/long-stream', '/file', '/'];
  const ABORT_AT = [0, 1, 64 * 1024, 512 * 1024];
  // Warm up (the file, the loopback), then take the baseline.
  await pipelineAndHangUp(['/file', '/long-stream'], 1);
  await settle();
  const before = openFds();
  const begun = Date.now();
  let next = 0;
  async function client(): Promise<void> {
    while (next < PIPELINED_CONNECTIONS) {
      const n = next++;
      const depth = 1 + (n % 8);
      const paths = Array.from({ length: depth }, (_, i) => PATHS[(n + i) % PATHS.length]!);
      await pipelineAndHangUp(paths, ABORT_AT[Math.floor(n / 8) % ABORT_AT.length]!);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const seconds = (Date.now() - begun) / 1000;
  await settle();
  // The server closes a connection's files once its bodies are closed: give it a moment.
  let after = openFds();
  for (let i = 0; i < 100 && after > before; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    after = openFds();
  }
  console.log(`pipelined-abort: ${PIPELINED_CONNECTIONS} connections, depth 1-8, in ${seconds.toFixed(1)} s; open fds ${before} before, ${after} after`);
  checkCloses('pipelined-abort');
  if (before === -1) console.log(`(no ${FD_DIR}: open file descriptors not counted)`);
  else if (after > before) problems.push(`pipelined-abort: ${after - before} file descriptors left open`);
}

if (MODE !== 'pipelined-abort') await mixed();
if (MODE !== 'mixed') await pipelinedAbort();
await served.close();
rmSync(dir, { recursive: true, force: true });

if ((globalThis as { gc?: unknown }).gc === undefined) console.log('(run with --expose-gc for exact heap numbers)');
if (problems.length > 0) {
  console.error(`soak: FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('soak: OK (every body closed once, every started stream finished)');
