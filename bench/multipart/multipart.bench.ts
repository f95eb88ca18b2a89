/**
 * Multipart parsers on the same bytes, in process (no socket): tsgi's parseMultipart
 * against busboy and @fastify/busboy (Node streams, `Readable.from(chunks).pipe()`, as
 * an app pipes a request) and @mjackson/multipart-parser (web streams). Two bodies cut
 * into 64 KiB chunks, as a socket delivers them:
 *
 * - upload: one 10 MB file and 5 small fields;
 * - fields: 1000 small fields (about 30 bytes each).
 *
 * Every parser reads every field as a string and counts every file byte. Prints the
 * median CPU time of 15 rounds (rounds interleaved between parsers, after 3 warm-up rounds)
 * as MB/s and parts/s, and the bytes one more parse allocates: heapUsed + arrayBuffers
 * after minus before, with a full GC before and none during (a young generation of 64
 * MB; a parse that saw a GC anyway is marked `*`).
 *
 * Bundled first, so the parser runs as its build does (tsx would wrap every closure
 * in a naming helper), from the repository root:
 *
 *   npx esbuild bench/multipart/multipart.bench.ts --bundle --platform=node --format=esm \
 *     --packages=external --alias:@tsgi/core=./packages/core/src/index.ts --outfile=bench/results/adhoc/multipart.mjs
 *   node --expose-gc --max-semi-space-size=64 bench/results/adhoc/multipart.mjs [--no-buffer]
 *
 * `--no-buffer` runs tsgi alone with `Buffer` removed: the JavaScript search that
 * fetch runtimes without Buffer use.
 *
 * Compare ratios from one run, not numbers across machines.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { Environ } from '@tsgi/core';

const noBuffer = process.argv.includes('--no-buffer');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CHUNK = 64 * 1024;
const BOUNDARY = '----tsgiBenchBoundary7MA4YWxkTrZu0gW';
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
const encoder = new TextEncoder();

interface Scenario {
  name: string;
  body: Uint8Array;
  /** What every parser must report: fields seen, file bytes seen. */
  fields: number;
  fileBytes: number;
}

function build(parts: Array<{ name: string; filename?: string; content: Uint8Array }>): Uint8Array {
  const pieces: Uint8Array[] = [];
  for (const part of parts) {
    const file = part.filename === undefined ? '' : `; filename="${part.filename}"\r\nContent-Type: application/octet-stream`;
    pieces.push(encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${file}\r\n\r\n`), part.content, encoder.encode('\r\n'));
  }
  pieces.push(encoder.encode(`--${BOUNDARY}--\r\n`));
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const FILE = new Uint8Array(10 * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
const SCENARIOS: Scenario[] = [
  {
    name: 'upload (10 MB file + 5 fields)',
    body: build([
      ...Array.from({ length: 5 }, (_, i) => ({ name: `field${i}`, content: encoder.encode(`value number ${i}`) })),
      { name: 'file', filename: 'video.bin', content: FILE },
    ]),
    fields: 5,
    fileBytes: FILE.byteLength,
  },
  {
    name: 'fields (1000 small fields)',
    body: build(Array.from({ length: 1000 }, (_, i) => ({ name: `f${i}`, content: encoder.encode(`some value for field ${i}`) }))),
    fields: 1000,
    fileBytes: 0,
  },
];

/**
 * The body as a socket gives it: fresh chunks for each parse (Buffers where there are
 * Buffers), made before the clock starts so that neither time nor allocations count them.
 */
function chunksOf(body: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < body.byteLength; at += CHUNK) {
    const chunk = body.slice(at, at + CHUNK);
    chunks.push(noBuffer ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return chunks;
}

type Parser = (chunks: Uint8Array[]) => Promise<{ fields: number; fileBytes: number }>;

async function makeParsers(): Promise<Record<string, Parser>> {
  if (noBuffer) delete (globalThis as { Buffer?: unknown }).Buffer; // before the parser's module looks for it
  const { parseMultipart } = await import('../../packages/request/src/multipart/index.js');
  const { PullInputStream } = await import('@tsgi/core');
  class ArrayInput extends PullInputStream {
    readonly #chunks: Uint8Array[];
    #next = 0;
    constructor(chunks: Uint8Array[]) {
      super();
      this.#chunks = chunks;
    }
    protected async pullChunk(): Promise<Uint8Array | null> {
      return this.#chunks[this.#next++] ?? null;
    }
  }
  const tsgi: Parser = async (chunks) => {
    const environ = { CONTENT_TYPE, 'wsgi.input': new ArrayInput(chunks) } as unknown as Environ;
    let fields = 0;
    let fileBytes = 0;
    for await (const part of parseMultipart(environ, { maxFileSize: Infinity, maxTotalSize: Infinity })) {
      if (part.isFile) for await (const chunk of part.stream()) fileBytes += chunk.byteLength;
      else if ((await part.text()) !== undefined) fields++;
    }
    return { fields, fileBytes };
  };
  if (noBuffer) return { 'tsgi (JS search, no Buffer)': tsgi };

  const busboy = (await import('busboy')).default;
  const { Busboy: FastifyBusboy } = await import('@fastify/busboy');
  const { parseMultipartStream } = await import('@mjackson/multipart-parser');
  const nodeStream =
    (make: () => NodeJS.WritableStream & { on(event: string, listener: (...args: never[]) => void): unknown }, done: string): Parser =>
    (chunks) =>
      new Promise((resolve, reject) => {
        const counts = { fields: 0, fileBytes: 0 };
        const parser = make();
        parser.on('field', () => void counts.fields++);
        parser.on('file', (...args: never[]) => {
          const stream = (args as unknown[])[1] as Readable;
          stream.on('data', (chunk: Uint8Array) => void (counts.fileBytes += chunk.byteLength));
        });
        parser.on('error', reject);
        parser.on(done, () => resolve(counts));
        Readable.from(chunks).pipe(parser);
      });
  return {
    tsgi: tsgi,
    busboy: nodeStream(() => busboy({ headers: { 'content-type': CONTENT_TYPE }, limits: { fieldSize: Infinity } }), 'close'),
    '@fastify/busboy': nodeStream(() => FastifyBusboy({ headers: { 'content-type': CONTENT_TYPE }, limits: { fieldSize: Infinity } }), 'finish'),
    '@mjackson/multipart-parser': async (chunks) => {
      let fields = 0;
      let fileBytes = 0;
      const stream = ReadableStream.from(chunks);
      for await (const part of parseMultipartStream(stream, { boundary: BOUNDARY, maxFileSize: Infinity })) {
        if (part.isFile) fileBytes += part.size;
        else if (part.text !== undefined) fields++;
      }
      return { fields, fileBytes };
    },
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
/** When each GC started, on the performance clock. */
const gcTimes: number[] = [];
new PerformanceObserver((list) => void gcTimes.push(...list.getEntries().map((e) => e.startTime))).observe({ entryTypes: ['gc'] });
const inUse = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;

/**
 * One timed parse, in CPU milliseconds of this process (user + system): on a machine
 * shared with other work, wall time mostly measures waiting for a core. No GC is forced
 * before it (a full GC flushes warm code and slows the next run).
 */
async function timed(parse: Parser, scenario: Scenario): Promise<number> {
  const chunks = chunksOf(scenario.body);
  const start = process.cpuUsage();
  check(await parse(chunks), scenario);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Bytes one parse allocates: a full GC before, and none during (or it is marked). */
async function allocated(parse: Parser, scenario: Scenario): Promise<{ bytes: number; gcSeen: boolean }> {
  const chunks = chunksOf(scenario.body);
  gc?.();
  gc?.(); // the second GC finishes releasing the array buffers the first freed
  const before = inUse();
  const t0 = performance.now();
  check(await parse(chunks), scenario);
  const t1 = performance.now();
  const bytes = inUse() - before;
  await new Promise((resolve) => setTimeout(resolve, 5)); // let the GC observer report
  return { bytes, gcSeen: gcTimes.some((t) => t >= t0 && t <= t1) };
}

function check(result: { fields: number; fileBytes: number }, scenario: Scenario): void {
  if (result.fields !== scenario.fields || result.fileBytes !== scenario.fileBytes) {
    throw new Error(`wrong result ${JSON.stringify(result)} for ${scenario.name}`);
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function main(): Promise<void> {
  if (gc === undefined) console.log('(run with --expose-gc for allocation figures)');
  const parsers = await makeParsers();
  for (const scenario of SCENARIOS) {
    const times = new Map<string, number[]>();
    for (const name of Object.keys(parsers)) times.set(name, []);
    for (let round = -3; round < ROUNDS; round++) {
      for (const [name, parse] of Object.entries(parsers)) {
        const ms = await timed(parse, scenario);
        if (round >= 0) times.get(name)!.push(ms); // three warm-up rounds
      }
    }
    const memory = new Map<string, { bytes: number; gcSeen: boolean }>();
    for (const [name, parse] of Object.entries(parsers)) memory.set(name, await allocated(parse, scenario));
    const mb = scenario.body.byteLength / 1e6;
    console.log(`\n## ${scenario.name}: ${mb.toFixed(2)} MB body, ${ROUNDS} rounds, median`);
    console.log('| parser | CPU ms | MB/s | parts/s | allocated per parse | vs tsgi |');
    console.log('|---|---:|---:|---:|---:|---:|');
    const base = median(times.get(Object.keys(parsers)[0]!)!);
    for (const [name, list] of times) {
      const ms = median(list);
      const { bytes, gcSeen } = memory.get(name)!;
      const parts = scenario.fields + (scenario.fileBytes > 0 ? 1 : 0);
      console.log(
        `| ${name} | ${ms.toFixed(2)} | ${(mb / (ms / 1000)).toFixed(0)} | ${((parts / ms) * 1000).toFixed(0)} | ${(bytes / 1e6).toFixed(2)} MB${gcSeen ? ' *' : ''} | ${(base / ms).toFixed(2)}x |`,
      );
    }
  }
}

await main();
