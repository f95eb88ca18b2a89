/**
 * The gzip servers bench/gzip/cost.ts counts instructions and GCs of, each the smallest
 * program for one row of the `adapters` and `gzip-1mb` scenarios (bench/lib/scenarios.ts),
 * without the other scenarios' imports: `node server.mjs <target>`, prints `READY <port>`,
 * exits when stdin closes. Every target answers GET on any path.
 *
 * - `fastify-compress`: Fastify + @fastify/compress (gzip, level 6, threshold 1024), 10 KB JSON.
 * - `fastify-tsgi`: Fastify + toFastify(gzip()) with the same settings.
 * - `fastify-plain`: Fastify sending the 10 KB JSON uncompressed (the floor of both).
 * - `fastify-noop`: the same through toFastify() of a middleware that does nothing (the adapter alone).
 * - `tsgi-10k`: serve() + gzip() on the 10 KB JSON (gzip() without the adapter).
 * - `raw-1mb`: node:http piping 1 MB of JSON through zlib.createGzip (the gzip-1mb baseline).
 * - `tsgi-1mb`: serve() + gzip() on a 1 MB array body (one call on the libuv pool).
 * - `tsgi-1mb-stream`: serve() + gzip() on the 1 MB yielded in 64 KB slices (a zlib stream).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGzip } from 'node:zlib';
import type { Application } from '@tsgi/core';
import { GZIP_LEVEL, GZIP_THRESHOLD, JSON_10K, JSON_1M, JSON_TYPE } from '../lib/workload.js';

const JSON_HEADERS: Array<[string, string]> = [['Content-Type', JSON_TYPE]];
const CHUNK = 64 * 1024;

async function fastify(target: string): Promise<number> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  if (target === 'fastify-compress') {
    const { default: fastifyCompress } = await import('@fastify/compress');
    await app.register(fastifyCompress, { global: true, threshold: GZIP_THRESHOLD, encodings: ['gzip'], zlibOptions: { level: GZIP_LEVEL } });
  } else if (target === 'fastify-tsgi') {
    const { toFastify } = await import('@tsgi/adapters');
    const { gzip } = await import('@tsgi/gzip');
    await app.register(toFastify(gzip({ level: GZIP_LEVEL, threshold: GZIP_THRESHOLD })));
  } else if (target === 'fastify-noop') {
    const { toFastify } = await import('@tsgi/adapters');
    await app.register(toFastify((inner: Application) => inner));
  }
  app.get('/*', (_request, reply) => {
    void reply.type(JSON_TYPE).send(JSON_10K);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

async function tsgi(target: string): Promise<number> {
  const { serve } = await import('@tsgi/server');
  const { gzip } = await import('@tsgi/gzip');
  const whole = [target === 'tsgi-10k' ? JSON_10K : JSON_1M];
  const app: Application =
    target !== 'tsgi-1mb-stream'
      ? (_environ, startResponse) => {
          startResponse('200 OK', JSON_HEADERS);
          return whole;
        }
      : (_environ, startResponse) => {
          startResponse('200 OK', JSON_HEADERS);
          return (function* slices() {
            for (let i = 0; i < JSON_1M.byteLength; i += CHUNK) yield JSON_1M.subarray(i, i + CHUNK);
          })();
        };
  const served = await serve(gzip({ level: GZIP_LEVEL, threshold: GZIP_THRESHOLD })(app), { host: '127.0.0.1', port: 0 });
  return Number(new URL(served.url).port);
}

function raw(): Promise<number> {
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
    const gz = createGzip({ level: GZIP_LEVEL });
    gz.pipe(res);
    gz.end(JSON_1M);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const TARGETS: Record<string, (target: string) => Promise<number>> = {
  'fastify-compress': fastify,
  'fastify-tsgi': fastify,
  'fastify-plain': fastify,
  'fastify-noop': fastify,
  'tsgi-10k': tsgi,
  'raw-1mb': raw,
  'tsgi-1mb': tsgi,
  'tsgi-1mb-stream': tsgi,
};

const target = process.argv[2] ?? '';
const start = TARGETS[target];
if (start === undefined) throw new Error(`bench/gzip/server: unknown target '${target}'; use one of ${Object.keys(TARGETS).join(', ')}`);
void start(target).then((port) => {
  process.stdout.write(`READY ${port}\n`);
  process.stdin.on('close', () => process.exit(0)).resume();
});
