/**
 * What the JSON POST costs in process, without a socket: the `json-post` scenario's
 * apps (bench/targets/tsgi.ts) called with a fresh environ per request, built the way
 * @tsgi/server builds one, whose `wsgi.input` hands out the 10 KB body as node does
 * (one Buffer slice of the socket's read buffer; `--chunk 4096` cuts it smaller), the
 * answer walked and closed as the gateway would. Beside them, what Fastify's JSON
 * content-type parser does for the same bytes (the body collected as a string by a
 * StringDecoder, secure-json-parse, the answer stringified) and the floor
 * (`toString()` + `JSON.parse`). What the gateway and node's HTTP parser add is the
 * same for every tsgi row and is measured by the socket-level `pnpm bench` scenario.
 *
 * CPU time per request (process.cpuUsage over `--n` requests), rows interleaved in
 * each of `--rounds` rounds after warm-up rounds, medians printed. `--row <name>` runs
 * one row only (for `node --cpu-prof` or `valgrind --tool=callgrind`: run it with two
 * values of `--n` and take the difference of the instruction counts).
 *
 * Bundled first, so the code runs as its build does (tsx would wrap every closure in
 * a naming helper), from the repository root:
 *
 *   npx esbuild bench/json-post/json-post.bench.ts --bundle --platform=node --format=esm \
 *     --external:fastify --alias:@tsgi/core=./packages/core/src/index.ts \
 *     --alias:@tsgi/request=./packages/request/src/index.ts --alias:@tsgi/errors=./packages/errors/src/index.ts \
 *     --outfile=bench/results/adhoc/json-post.mjs
 *   node bench/results/adhoc/json-post.mjs [--rounds 15] [--n 2000] [--chunk 65536] [--row view]
 *
 * Compare rows of one run, not numbers across machines.
 */
import { StringDecoder } from 'node:string_decoder';
import { loadavg } from 'node:os';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { PullInputStream, readBody, type Application, type Body, type Environ, type ErrorStream, type StartResponse } from '@tsgi/core';
import { httpErrors } from '@tsgi/errors';
import { json, request } from '@tsgi/request';
import { JSON_10K, JSON_TYPE, POST_LIMIT, POST_PATH } from '../lib/workload.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}
// Fastify's own copy of secure-json-parse (a dependency of fastify, not of the bench).
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
const sjson = fromFastify('secure-json-parse') as { parse(text: string, reviver: undefined, options: object): unknown };

const ROUNDS = option('rounds', 15);
const N = option('n', 2000);
const CHUNK = option('chunk', 64 * 1024);
/** `--small`: a 2-item body, so that what is not JSON.parse stands out. */
const SOURCE = process.argv.includes('--small') ? Buffer.from('[{"id":1},{"id":2}]') : JSON_10K;
const ANSWER = Buffer.from(JSON.stringify({ received: (JSON.parse(SOURCE.toString()) as unknown[]).length }));
const only = process.argv.includes('--row') ? process.argv[process.argv.indexOf('--row') + 1] : undefined;

/** The body as node hands it out: slices of a larger read buffer, at most CHUNK bytes each. */
const readBuffer = Buffer.alloc(64 * 1024 + SOURCE.byteLength);
SOURCE.copy(readBuffer, 517);
const BODY = readBuffer.subarray(517, 517 + SOURCE.byteLength);
const CHUNKS: Buffer[] = [];
for (let at = 0; at < BODY.byteLength; at += CHUNK) CHUNKS.push(BODY.subarray(at, Math.min(at + CHUNK, BODY.byteLength)));

/** A `wsgi.input` like the gateway's NodeInputStream: one chunk per pull, a turn of the event loop each. */
class SocketInput extends PullInputStream {
  #next = 0;
  protected async pullChunk(): Promise<Uint8Array | null> {
    return this.#next < CHUNKS.length ? CHUNKS[this.#next++]! : null;
  }
  protected override join(parts: Uint8Array[], total: number): Uint8Array {
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  }
}

const errors: ErrorStream = { write() {}, writelines() {}, flush() {} };
const fileWrapper = (() => []) as unknown as Environ['wsgi.file_wrapper'];

/** An environ as @tsgi/server's buildEnviron makes it: a literal, then a key per header in arrival order. */
function environ(): Environ {
  const env: Environ = {
    REQUEST_METHOD: 'POST',
    SCRIPT_NAME: '',
    PATH_INFO: POST_PATH,
    QUERY_STRING: '',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '3000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REQUEST_URI: POST_PATH,
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_PORT: '50000',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.input': undefined as unknown as Environ['wsgi.input'],
    'wsgi.errors': errors,
    'wsgi.multithread': false,
    'wsgi.multiprocess': false,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
    'wsgi.file_wrapper': fileWrapper,
  };
  env.HTTP_HOST = 'localhost:3000';
  env.CONTENT_TYPE = JSON_TYPE;
  env.CONTENT_LENGTH = String(BODY.byteLength);
  env['wsgi.input'] = new SocketInput();
  return env;
}

/** The json-post scenario's app (bench/targets/tsgi.ts). */
const view: Application = async function jsonPost(environ, startResponse) {
  const items = await request(environ).json<unknown[]>({ limit: POST_LIMIT });
  return json({ received: items.length })(environ, startResponse);
};

/** The json-post-core scenario's app: core's readBody and JSON.parse by hand. */
const utf8 = new TextDecoder();
const byHand: Application = async function jsonPostByHand(environ, startResponse) {
  const items = JSON.parse(utf8.decode(await readBody(environ, { limit: POST_LIMIT }))) as unknown[];
  const answer = Buffer.from(JSON.stringify({ received: items.length }));
  startResponse('200 OK', [['Content-Type', JSON_TYPE], ['Content-Length', String(answer.byteLength)]]);
  return [answer];
};

/**
 * What Fastify's default application/json parser does (fastify/lib/contentTypeParser.js
 * rawBody + defaultJsonParser): the stream's chunks decoded into one string, then
 * secure-json-parse with __proto__ and constructor refused; the reply stringified.
 */
const fastifyParse: Application = async function fastifyLike(environ, startResponse) {
  const decoder = new StringDecoder('utf8');
  let body = '';
  for await (const chunk of environ['wsgi.input']) body += decoder.write(chunk as Buffer);
  body += decoder.end();
  const items = sjson.parse(body, undefined, { protoAction: 'error', constructorAction: 'error' }) as unknown[];
  const answer = Buffer.from(JSON.stringify({ received: items.length }));
  startResponse('200 OK', [['Content-Type', JSON_TYPE], ['Content-Length', String(answer.byteLength)]]);
  return [answer];
};

/** The floor: the one chunk as a string, JSON.parse, a constant answer. */
const floor: Application = async function floor(environ, startResponse) {
  const chunk = (await environ['wsgi.input'].read()) as Buffer;
  const items = JSON.parse(chunk.toString()) as unknown[];
  if (items.length === 0) throw new Error('empty');
  startResponse('200 OK', [['Content-Type', JSON_TYPE], ['Content-Length', String(ANSWER.byteLength)]]);
  return [ANSWER];
};

const ROWS: Record<string, Application> = {
  view: httpErrors()(view),
  readBody: httpErrors()(byHand),
  fastify: fastifyParse,
  floor,
};

let status = '';
const startResponse: StartResponse = (s) => {
  status = s;
  return () => {};
};

/** One request as the gateway serves it: the app called, the array body walked, close() called. */
/**
 * `--keep k`: the last k environs stay reachable, as a gateway with k keep-alive
 * connections may hold each one's last request until its next one.
 */
const KEEP = option('keep', 0);
const kept: Environ[] = [];
let keptAt = 0;

async function serveOne(app: Application): Promise<number> {
  const env = environ();
  if (KEEP > 0) kept[keptAt++ % KEEP] = env;
  const body: Body = await app(env, startResponse);
  let bytes = 0;
  if (Array.isArray(body)) for (const chunk of body as Uint8Array[]) bytes += chunk.byteLength;
  else for await (const chunk of body) bytes += chunk.byteLength;
  await (body as { close?(): unknown }).close?.();
  if (status !== '200 OK') throw new Error(`got ${status}`);
  return bytes;
}

/**
 * Under `valgrind --tool=callgrind` with `--callgrind-dump`: a dump of the counts so far,
 * so the second of the two dumps holds the measured rounds alone (divide by rounds x n).
 */
function callgrindDump(): Promise<void> {
  if (!process.argv.includes('--callgrind-dump')) return Promise.resolve();
  return new Promise((resolve, reject) => {
    execFile('callgrind_control', ['--dump', String(process.pid)], (error) => (error ? reject(error) : resolve()));
  });
}

async function run(app: Application, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await serveOne(app);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / n; // ns per request
}

const names = only === undefined ? Object.keys(ROWS) : [only];
if (only !== undefined && !(only in ROWS)) throw new Error(`--row must be one of ${Object.keys(ROWS).join(', ')}, got ${only}`);
// The answer is checked once per row, then warm-up rounds let the JIT settle.
for (const name of names) if ((await serveOne(ROWS[name]!)) !== ANSWER.byteLength) throw new Error(`${name}: wrong answer`);
for (let r = 0; r < 3; r++) for (const name of names) await run(ROWS[name]!, N);
const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
await callgrindDump();
for (let r = 0; r < ROUNDS; r++) for (const name of names) samples[name]!.push(await run(ROWS[name]!, N));
await callgrindDump();

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const floorNs = samples.floor ? median(samples.floor) : undefined;
console.log(`json-post in process: ${CHUNKS.length} chunk(s) of <= ${CHUNK} B, ${ROUNDS} rounds x ${N} requests, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const name of names) {
  const xs = samples[name]!;
  const m = median(xs);
  const sorted = [...xs].sort((a, b) => a - b);
  const extra = floorNs === undefined ? '' : `  ${(m / floorNs).toFixed(2)}x floor`;
  console.log(`${name.padEnd(10)} ${(m / 1000).toFixed(2).padStart(7)} us/req  (q1 ${(sorted[Math.floor(xs.length / 4)]! / 1000).toFixed(2)}, q3 ${(sorted[Math.floor((3 * xs.length) / 4)]! / 1000).toFixed(2)})${extra}`);
}
