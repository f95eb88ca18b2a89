/**
 * gzip(): one-shot vs streaming, in process (no socket). Prints bodies/s for the
 * same 10 KB JSON body returned as an array (one zlib call) and as an async
 * generator (a zlib stream), 50 requests in flight.
 * Run: npx tsx bench/gzip/gzip.bench.ts
 */
import type { Application, Body, StartResponse } from '@tsgi/core';
import { gzip } from '@tsgi/gzip';

const rows = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `user${(i * 7919) % 10007}`, score: (i * 37) % 101 }));
const BODY = Buffer.from(JSON.stringify(rows)).subarray(0, 10 * 1024);
const HEADERS: Array<[string, string]> = [['Content-Type', 'application/json']];

const arrayApp: Application = (_e, startResponse) => {
  startResponse('200 OK', HEADERS);
  return [BODY];
};
const streamApp: Application = (_e, startResponse) => {
  async function* body() {
    startResponse('200 OK', HEADERS);
    yield BODY.subarray(0, 5 * 1024);
    yield BODY.subarray(5 * 1024);
  }
  return body();
};

const noopWrite = (): void => {};
const startResponse: StartResponse = () => noopWrite;
const environ = { REQUEST_METHOD: 'GET', PATH_INFO: '/', HTTP_ACCEPT_ENCODING: 'gzip, deflate, br' } as never;

async function drain(body: Body): Promise<number> {
  let n = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) n += chunk.byteLength;
  await body.close?.();
  return n;
}

async function run(name: string, app: Application, total = 5000, concurrency = 50): Promise<number> {
  let started = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started++ < total) await drain(await app(environ, startResponse));
    }),
  );
  const rate = total / ((performance.now() - t0) / 1000);
  console.log(`${name.padEnd(28)} ${rate.toFixed(0).padStart(7)} bodies/s`);
  return rate;
}

async function main(): Promise<void> {
  for (const encodings of [['gzip'], ['br']] as const) {
    const mw = gzip({ encodings: [...encodings] });
    await run(`warm-up ${encodings[0]}`, mw(arrayApp), 500);
    const oneShot = await run(`${encodings[0]} one-shot (array)`, mw(arrayApp));
    const streamed = await run(`${encodings[0]} streamed (async gen)`, mw(streamApp));
    console.log(`${encodings[0]} one-shot / streamed: ${(oneShot / streamed).toFixed(1)}x`);
  }
}

void main();
