/**
 * `environ['tsgi.connection']` under the Node hosts (toConnect, toFastify, toKoa), as under
 * serve(): a middleware still working on its own answer (a long poll) hears the client
 * leave through `onClose` and `signal`, with a `ConnectionAbort`; a request answered in
 * full never closes it. The adapters build the environ with the gateway's own builder,
 * so the key is there for the same reason it is under `toNodeListener()`.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { isConnectionAbort, type ClientConnection, type Middleware } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { toConnect, toFastify, toKoa } from '@tsgi/adapters';

interface Seen {
  /** What each request's connection said, in order: 'closed' (an onClose call) or 'kept'. */
  events: string[];
  connections: ClientConnection[];
  signals: AbortSignal[];
}

/**
 * On /poll: answers by itself once the client leaves (or after 2 s, which the test
 * counts as a failure); elsewhere: passes on to the host's routes.
 */
function poller(seen: Seen): Middleware {
  return (app) =>
    lint(function pollingApp(environ, startResponse) {
      const connection = environ['tsgi.connection'] as ClientConnection | undefined;
      if (connection === undefined) throw new Error('no tsgi.connection in the environ');
      seen.connections.push(connection);
      if (environ.PATH_INFO !== '/poll') return app(environ, startResponse);
      seen.signals.push(connection.signal);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          seen.events.push('kept');
          startResponse('200 OK', [['Content-Type', 'text/plain']]);
          resolve([Buffer.from('nobody left')]);
        }, 2000);
        connection.onClose((reason) => {
          clearTimeout(timer);
          seen.events.push(isConnectionAbort(reason) ? 'closed' : `closed with ${String(reason)}`);
          startResponse('200 OK', [['Content-Type', 'text/plain']]);
          resolve([Buffer.from('too late')]);
        });
      });
    });
}

/** Sends GET /poll and drops the connection once the middleware waits; resolves once it heard or gave up. */
async function leaveDuringPoll(port: number, seen: Seen): Promise<void> {
  const req = request({ host: '127.0.0.1', port, path: '/poll' });
  req.on('error', () => undefined);
  req.end();
  for (let i = 0; i < 300 && seen.signals.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  req.destroy();
  for (let i = 0; i < 300 && seen.events.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** `server` listening on a free port of 127.0.0.1, and how to stop it (its connections too). */
async function listen(server: Server): Promise<{ port: number; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const HOSTS: Record<string, (seen: Seen) => Promise<{ port: number; close(): Promise<void> }>> = {
  async 'Express (toConnect)'(seen) {
    const app = express();
    app.use(toConnect(poller(seen)));
    app.get('/done', (_req, res) => void res.send('done'));
    return listen(createServer(app));
  },
  async 'Fastify (toFastify)'(seen) {
    const app = Fastify();
    await app.register(toFastify(poller(seen)));
    app.get('/done', async () => 'done');
    app.get('/poll', async () => 'the host never answers /poll');
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
  },
  async 'Koa (toKoa)'(seen) {
    const app = new Koa();
    app.use(toKoa(poller(seen)));
    app.use((ctx) => {
      ctx.body = ctx.path === '/done' ? 'done' : 'the host never answers /poll';
    });
    const handle = app.callback();
    return listen(createServer((req, res) => void handle(req, res)));
  },
};

describe.each(Object.keys(HOSTS))('%s', (name) => {
  test('a middleware waiting on its own answer hears the client leave through tsgi.connection', async () => {
    const seen: Seen = { events: [], connections: [], signals: [] };
    const host = await HOSTS[name]!(seen);
    try {
      await leaveDuringPoll(host.port, seen);
      expect(seen.events).toEqual(['closed']);
      expect(seen.connections[0]!.closed).toBe(true);
      expect(seen.signals[0]!.aborted).toBe(true);
      expect(isConnectionAbort(seen.signals[0]!.reason)).toBe(true);
    } finally {
      await host.close();
    }
  });

  test('a request answered in full keeps its tsgi.connection open, one per request', async () => {
    const seen: Seen = { events: [], connections: [], signals: [] };
    const host = await HOSTS[name]!(seen);
    try {
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`http://127.0.0.1:${host.port}/done`);
        expect(await response.text()).toBe('done');
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen.connections).toHaveLength(2);
      expect(seen.connections[0]).not.toBe(seen.connections[1]);
      expect(seen.connections.map((connection) => connection.closed)).toEqual([false, false]);
      expect(seen.events).toEqual([]);
    } finally {
      await host.close();
    }
  });
});
