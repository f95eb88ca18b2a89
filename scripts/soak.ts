/**
 * Soak test for the gateway (`pnpm soak`, i.e. `tsx --expose-gc scripts/soak.ts`):
 * 50 000 keep-alive requests over 32 connections mixing GET, POST with bodies (fixed
 * length and chunked), HEAD, a route that throws, and clients that abort mid-stream.
 * Prints RSS and heap after 10k and 50k requests (after a GC when --expose-gc is on),
 * fails if the heap grew by more than 5 MB between them, and checks that every body the
 * app returned was closed exactly once (close() calls === app calls that returned one).
 *
 * Usage: tsx --expose-gc scripts/soak.ts [total=50000]
 */
import { Agent, request } from 'node:http';
import type { Application } from '@tsgi/core';
import { serve } from '@tsgi/server';

const TOTAL = Number(process.argv[2] ?? 50_000);
const CONCURRENCY = 32;
const MB = 1024 * 1024;

let appCalls = 0;
let bodiesReturned = 0;
let closeCalls = 0;
let thrown = 0;
let loggedErrors = 0;

function closing<T extends object>(body: T): T & { close(): void } {
  bodiesReturned++;
  return Object.assign(body, { close: () => void closeCalls++ });
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
  if (path === '/stream') {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return closing(
      (async function* () {
        for (let i = 0; i < 20; i++) {
          yield Buffer.alloc(1024, 97);
          await new Promise((resolve) => setImmediate(resolve));
        }
      })(),
    );
  }
  startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']]);
  return closing([Buffer.from('hello')]);
};

const served = await serve(app, { port: 0, errors: { write: () => void loggedErrors++ } });
const { hostname, port } = new URL(served.url);
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

function memory(label: string): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`${label}: rss ${(rss / MB).toFixed(1)} MB, heap ${(heapUsed / MB).toFixed(1)} MB`);
  return { rss, heap: heapUsed };
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

const started = Date.now();
await Promise.all(Array.from({ length: CONCURRENCY }, client));
const seconds = (Date.now() - started) / 1000;
// Aborted streams finish closing on the server a moment after the client hangs up.
for (let i = 0; i < 100 && closeCalls < bodiesReturned; i++) await new Promise((resolve) => setTimeout(resolve, 20));
const atEnd = memory(`after ${done} requests`);
agent.destroy();
await served.close();

console.log(`${done} requests in ${seconds.toFixed(1)} s (${Math.round(done / seconds)}/s): ${JSON.stringify(counts)}`);
console.log(`app calls ${appCalls}, bodies returned ${bodiesReturned}, close() calls ${closeCalls}, thrown ${thrown}, errors logged ${loggedErrors}, client failures ${failures}`);
const problems: string[] = [];
if (closeCalls !== bodiesReturned) problems.push(`close() calls ${closeCalls} != bodies returned ${bodiesReturned}`);
if (appCalls !== bodiesReturned + thrown) problems.push(`app calls ${appCalls} != bodies + thrown ${bodiesReturned + thrown}`);
if (failures > 0) problems.push(`${failures} requests failed`);
if (at10k !== undefined && atEnd.heap - at10k.heap > 5 * MB) {
  problems.push(`heap grew ${((atEnd.heap - at10k.heap) / MB).toFixed(1)} MB from 10k to ${done}`);
}
if ((globalThis as { gc?: unknown }).gc === undefined) console.log('(run with --expose-gc for exact heap numbers)');
if (problems.length > 0) {
  console.error(`soak: FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(`soak: OK (heap ${at10k ? `${((atEnd.heap - at10k.heap) / MB).toFixed(2)} MB` : 'n/a'} from 10k to ${done}; every body closed once)`);
