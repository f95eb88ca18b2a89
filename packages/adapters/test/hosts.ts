/**
 * The seven hosts of the conformance suite, each a real framework app on 127.0.0.1:0
 * with the tsgi middleware mounted by its adapter and the same native routes (Hono's
 * and h3's apps are fetch-hosts.ts's, which the runtime matrix runs on Bun and Deno):
 *
 * - `/json` 10 KB of JSON, `/text` a short text, `/private/data` the user the tsgi
 *   auth set (read back through `environOf`), `/sse` two events with a gate between
 *   them, `/forever` a stream that ticks until the client leaves, `POST /echo` the
 *   request body it read (the tsgi side leaves it unread), `/boom` throws;
 *   anything else is the host's own 404.
 * - Each records the errors its own error handling saw (`hostErrors`) and which
 *   native routes ran (`ran`).
 * - The tsgi side comes as layers (stack.ts's `tsgiLayers`), each mounted by its own
 *   adapter, in order, on its path the host's way: Express's and Connect's
 *   `app.use(path, ...)`, koa-mount, a Fastify scope with that prefix, Hono's and h3's
 *   `use()` on the path with it as `scriptName`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import express from 'express';
import express4 from 'express4';
import connect from 'connect';
import Koa from 'koa';
import mount from 'koa-mount';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAdaptorServer } from '@hono/node-server';
import { toNodeHandler } from 'h3';
import type { Environ } from '@tsgi/core';
import { environOf, toConnect, toFastify, toKoa } from '@tsgi/adapters';
import { h3Host, honoHost, ROWS, SSE_HEADERS, JSON_TEXT, type NativeProbe } from './fetch-hosts.js';
import type { Layer } from './stack.js';

export { JSON_TEXT };

/** What the native side shares with the test. */
export interface Probe {
  hostErrors: string[];
  ran: string[];
  /** Resolved by the test once it has the first SSE event. */
  sseGate: Promise<void>;
  releaseSse(): void;
  /** The native /forever stream noticed the client left. */
  foreverStopped: number;
}

export function newProbe(): Probe {
  let release!: () => void;
  const sseGate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { hostErrors: [], ran: [], sseGate, releaseSse: release, foreverStopped: 0 };
}

export interface Host {
  url: string;
  /** Stops the server, cutting open connections. */
  close(): Promise<void>;
  /** `server.close()` as an app's shutdown calls it: waits for requests in flight, closes idle keep-alive connections. */
  shutdown(): Promise<void>;
}

export type HostFactory = (layers: readonly Layer[], probe: Probe) => Promise<Host>;

const quiet = { write(): void {} };

function userOf(environ: Environ | undefined): string {
  return `user=${environ?.REMOTE_USER ?? 'none'}`;
}

function listen(server: Server): Promise<Host> {
  let closing: Promise<void> | undefined;
  // Node >= 19 closes idle keep-alive connections too; one in flight holds it open.
  const shutdown = (): Promise<void> => (closing ??= new Promise<void>((done) => server.close(() => done())));
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => {
          server.closeAllConnections();
          return shutdown();
        },
        shutdown,
      });
    });
  });
}

/** The probe as the web-only Hono and h3 apps of fetch-hosts.ts report to it. */
function nativeProbe(probe: Probe): NativeProbe {
  return {
    ran: (path) => probe.ran.push(path),
    hostError: (message) => probe.hostErrors.push(message),
    sseGate: () => probe.sseGate,
    foreverStopped: () => probe.foreverStopped++,
  };
}

type ConnectLike = {
  use(fn: (...args: never[]) => unknown): unknown;
  use(path: string, fn: (...args: never[]) => unknown): unknown;
};

/** The layers and the native routes as Connect middleware (plain node req/res), shared by Express 4, 5 and Connect. */
function connectRoutes(app: ConnectLike, layers: readonly Layer[], probe: Probe): void {
  for (const { at, middleware } of layers) {
    if (at === '') app.use(toConnect(middleware, { errors: quiet }));
    else app.use(at, toConnect(middleware, { errors: quiet }));
  }
  app.use((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/json') {
      probe.ran.push(path);
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON_TEXT);
    } else if (path === '/text') {
      probe.ran.push(path);
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('hello from the host');
    } else if (path === '/private/data') {
      probe.ran.push(path);
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(userOf(environOf(req)));
    } else if (path === '/sse') {
      res.writeHead(200, SSE_HEADERS);
      res.write('data: 1\n\n');
      void probe.sseGate.then(() => res.end('data: 2\n\n'));
    } else if (path === '/forever') {
      res.setHeader('Content-Type', 'text/plain');
      const timer = setInterval(() => res.write('tick\n'), 10);
      res.on('close', () => {
        clearInterval(timer);
        probe.foreverStopped++;
      });
    } else if (path === '/echo' && req.method === 'POST') {
      probe.ran.push(path);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(`echo: ${Buffer.concat(chunks).toString()}`);
      });
    } else if (path === '/boom') {
      throw new Error('boom below');
    } else next();
  });
  app.use((error: Error, _req: IncomingMessage, res: ServerResponse, _next: unknown) => {
    probe.hostErrors.push(error.message);
    res.statusCode = 500;
    res.end(`host error: ${error.message}`);
  });
}

export const HOSTS: Record<string, HostFactory> = {
  'Express 5': async (layers, probe) => {
    const app = express();
    connectRoutes(app, layers, probe);
    return listen(createServer(app));
  },
  'Express 4': async (layers, probe) => {
    const app = express4();
    connectRoutes(app, layers, probe);
    return listen(createServer(app));
  },
  Connect: async (layers, probe) => {
    const app = connect();
    connectRoutes(app as ConnectLike, layers, probe);
    return listen(createServer(app));
  },
  Koa: async (layers, probe) => {
    const app = new Koa();
    app.silent = true;
    app.on('error', (error: Error) => probe.hostErrors.push(error.message));
    for (const { at, middleware } of layers) {
      if (at === '') app.use(toKoa(middleware, { errors: quiet }));
      else app.use(mount(at, toKoa(middleware, { errors: quiet })));
    }
    app.use(async (ctx) => {
      const path = ctx.path;
      if (path === '/json') {
        probe.ran.push(path);
        ctx.body = ROWS;
      } else if (path === '/text') {
        probe.ran.push(path);
        ctx.body = 'hello from the host';
        ctx.type = 'text/plain; charset=utf-8';
      } else if (path === '/private/data') {
        probe.ran.push(path);
        ctx.body = userOf(environOf(ctx));
        ctx.type = 'text/plain; charset=utf-8';
      } else if (path === '/sse') {
        ctx.set(SSE_HEADERS);
        const stream = new PassThrough();
        ctx.body = stream;
        stream.write('data: 1\n\n');
        void probe.sseGate.then(() => stream.end('data: 2\n\n'));
      } else if (path === '/forever') {
        ctx.type = 'text/plain';
        const stream = new PassThrough();
        const timer = setInterval(() => stream.write('tick\n'), 10);
        stream.on('close', () => {
          clearInterval(timer);
          probe.foreverStopped++;
        });
        ctx.body = stream;
      } else if (path === '/echo' && ctx.method === 'POST') {
        probe.ran.push(path);
        const chunks: Buffer[] = [];
        for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
        ctx.type = 'text/plain; charset=utf-8';
        ctx.body = `echo: ${Buffer.concat(chunks).toString()}`;
      } else if (path === '/boom') {
        throw new Error('boom below');
      }
    });
    const callback = app.callback();
    return listen(createServer((req, res) => void callback(req, res)));
  },
  Fastify: async (layers, probe) => {
    const app = Fastify();
    app.setErrorHandler((error: Error, _request, reply) => {
      probe.hostErrors.push(error.message);
      void reply.code(500).type('text/plain').send(`host error: ${error.message}`);
    });
    for (const { middleware } of layers.filter((layer) => layer.at === '')) await app.register(toFastify(middleware, { errors: quiet }));
    // A layer on /private covers the scope with that prefix (registered after the root ones, so theirs run first).
    await app.register(
      async (scope: FastifyInstance) => {
        for (const { middleware } of layers.filter((layer) => layer.at === '/private')) await scope.register(toFastify(middleware, { errors: quiet }));
        scope.get('/data', async (request, reply) => {
          probe.ran.push('/private/data');
          return reply.type('text/plain; charset=utf-8').send(userOf(environOf(request.raw)));
        });
      },
      { prefix: '/private' },
    );
    app.get('/json', async () => {
      probe.ran.push('/json');
      return ROWS;
    });
    app.get('/text', async (_request, reply) => {
      probe.ran.push('/text');
      return reply.type('text/plain; charset=utf-8').send('hello from the host');
    });
    app.get('/sse', (_request, reply) => {
      const stream = new PassThrough();
      void reply.headers(SSE_HEADERS).send(stream);
      stream.write('data: 1\n\n');
      void probe.sseGate.then(() => stream.end('data: 2\n\n'));
    });
    app.get('/forever', (request, reply) => {
      const stream = new PassThrough();
      const timer = setInterval(() => stream.write('tick\n'), 10);
      request.raw.socket.on('close', () => {
        clearInterval(timer);
        probe.foreverStopped++;
      });
      void reply.type('text/plain').send(stream);
    });
    app.post('/echo', async (request, reply) => {
      probe.ran.push('/echo');
      return reply.type('text/plain; charset=utf-8').send(`echo: ${String(request.body)}`);
    });
    app.get('/boom', async () => {
      throw new Error('boom below');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    let closing: Promise<void> | undefined;
    // Fastify closes idle keep-alive connections and waits for those in flight.
    const shutdown = (): Promise<void> => (closing ??= app.close());
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => {
        app.server.closeAllConnections();
        return shutdown();
      },
      shutdown,
    };
  },
  Hono: async (layers, probe) => {
    const app = honoHost(layers, nativeProbe(probe));
    return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
  },
  h3: async (layers, probe) => {
    const app = h3Host(layers, nativeProbe(probe));
    return listen(createServer(toNodeHandler(app)));
  },
};
