/**
 * One WebSocket echo server for bench/websocket/websocket.bench.ts, run in its own
 * (pinned) process: `node --import tsx server.ts <target>` prints `listening <port>`.
 * Every target echoes a text message as text and bytes as bytes, on 127.0.0.1.
 *
 * - `ws`: the `ws` package on node:http (`new WebSocketServer({ server })`), the baseline;
 * - `ws-text`: the same, decoding a text message to a string and sending the string, as
 *   an API that hands the app strings must (what tsgi, Hono and crossws do);
 * - `tsgi`: `serve()` with an app that accepts with `decode: false` and echoes the bytes
 *   with their frame type (ws underneath, core's session on top): the like-for-like of `ws`;
 * - `tsgi-text`: the same app taking text as strings (the default), the like-for-like of `ws-text`;
 * - `tsgi-stack`: `tsgi` behind accessLog (combined, to /dev/null), basicAuth and the router;
 * - `hono-node-ws`: Hono's `upgradeWebSocket` on @hono/node-server with @hono/node-ws;
 * - `crossws`: crossws's node adapter on node:http.
 * @module
 */
import { createWriteStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compose, type Application } from '@tsgi/core';
import { basicAuth } from '@tsgi/auth';
import { accessLog } from '@tsgi/logger';
import { router } from '@tsgi/router';
import { serve } from '@tsgi/server';
import { WebSocketServer } from 'ws';

const target = process.argv[2];

const echo: Application = (environ, startResponse) => {
  environ['tsgi.websocket']!.accept({ message: (ws, data, binary) => void ws.send(data, { binary }) }, { decode: false });
  startResponse('101 Switching Protocols', []);
  return [];
};

const echoText: Application = (environ, startResponse) => {
  environ['tsgi.websocket']!.accept({ message: (ws, data) => void ws.send(data) });
  startResponse('101 Switching Protocols', []);
  return [];
};

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function start(): Promise<number> {
  switch (target) {
    case 'ws': {
      const server = createServer();
      new WebSocketServer({ server, maxPayload: 1024 * 1024 }).on('connection', (ws) => {
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      });
      return listen(server);
    }
    case 'ws-text': {
      const server = createServer();
      new WebSocketServer({ server, maxPayload: 1024 * 1024 }).on('connection', (ws) => {
        ws.on('message', (data: Buffer, isBinary) => ws.send(isBinary ? data : data.toString()));
      });
      return listen(server);
    }
    case 'tsgi':
      return Number(new URL((await serve(echo, { port: 0 })).url).port);
    case 'tsgi-text':
      return Number(new URL((await serve(echoText, { port: 0 })).url).port);
    case 'tsgi-stack': {
      const log = createWriteStream('/dev/null');
      const app = compose(accessLog({ format: 'combined', stream: log }), basicAuth({ realm: 'bench', users: { bench: 'bench' } }))(router().get('/', echo));
      return Number(new URL((await serve(app, { port: 0 })).url).port);
    }
    case 'hono-node-ws': {
      const { Hono } = await import('hono');
      const { createNodeWebSocket } = await import('@hono/node-ws');
      const { serve: honoServe } = await import('@hono/node-server');
      const app = new Hono();
      const { injectWebSocket, upgradeWebSocket } = createNodeWebSocket({ app });
      app.get('/', upgradeWebSocket(() => ({ onMessage: (event, ws) => ws.send(event.data as string) })));
      return new Promise((resolve) => {
        const server = honoServe({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
        injectWebSocket(server);
      });
    }
    case 'crossws': {
      const { default: crossws } = await import('crossws/adapters/node');
      const ws = crossws({ hooks: { message: (peer, message) => void peer.send(message.text()) } });
      const server = createServer();
      server.on('upgrade', (req, socket, head) => void ws.handleUpgrade(req, socket, head));
      return listen(server);
    }
    default:
      throw new Error(`unknown target ${String(target)}`);
  }
}

// Exit (not die) on SIGTERM, so a profiler running the server (callgrind, --cpu-prof) writes its file.
process.on('SIGTERM', () => process.exit(0));
void start().then((port) => console.log(`listening ${port}`));
