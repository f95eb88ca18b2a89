/**
 * The servers bench/cost/measure.ts counts instructions of, each the smallest program
 * that serves hello (`Hello, world!`, text/plain, Content-Length, keep-alive):
 * `node server.mjs <raw|tsgi|fastify>`. Prints `READY <port>`; exits when stdin closes.
 * Bundled by measure.ts (esbuild) so that starting it under valgrind does not pay for
 * a TypeScript loader.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Application, ResponseHeaders } from '@tsgi/core';

const HELLO = Buffer.from('Hello, world!');
const TEXT: ResponseHeaders = [['Content-Type', 'text/plain']];
const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return [HELLO];
};

async function start(target: string): Promise<number> {
  if (target === 'raw') {
    const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': HELLO.byteLength });
      res.end(HELLO);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }
  if (target === 'tsgi') {
    // Imported here, so that the raw and fastify servers do not load tsgi (memory).
    const { serve } = await import('@tsgi/server');
    const started = await serve(hello, { host: '127.0.0.1', port: 0 });
    return Number(new URL(started.url).port);
  }
  if (target === 'fastify') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    app.get('/', (_request, reply) => {
      void reply.type('text/plain').send('Hello, world!');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as AddressInfo).port;
  }
  throw new Error(`bench/cost/server: unknown target ${target}; use raw, tsgi or fastify`);
}

void start(process.argv[2] ?? 'raw').then((port) => {
  process.stdout.write(`READY ${port}\n`);
  process.stdin.on('close', () => process.exit(0)).resume();
});
