/**
 * One table of WebSocket handshakes (websocket-rows.ts) run through the three outputs
 * of core's upgrade path: `serve()` over a real socket on 127.0.0.1 (node's http client
 * sending the handshake), `toFetch()` with a Bun-style `server.upgrade` as its second
 * argument, and `testClient().websocket()`. Each row must give the same outcome
 * everywhere (the 101, or the same refusal), with the body stepped and closed the same
 * number of times. Good rows run under `lint()`.
 *
 * It lives here, not under one package, for the reason response-conformance.test.ts
 * does: it imports every output.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2.2
 */
import { request } from 'node:http';
import type { Application } from '@tsgi/core';
import type { GatewayWebSocket, WebSocketTransport } from '@tsgi/core/gateway';
import { toFetch } from '@tsgi/fetch';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { testClient, WebSocketRefused } from '@tsgi/testing';
import { WEBSOCKET_ROWS } from './websocket-rows.js';

const HANDSHAKE = {
  Upgrade: 'websocket',
  Connection: 'Upgrade',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Version': '13',
};
const quiet = { write() {}, writelines() {}, flush() {} };

/** Waits (bounded) until close() was called `expected` times, and a little past it. */
async function settled(count: () => number, expected: number): Promise<number> {
  for (let i = 0; i < 100 && count() < expected; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 20));
  return count();
}

type Runner = (app: Application) => Promise<string>;

let server: Served;
let served: Application = () => [];

beforeAll(async () => {
  // unlinted: the table's broken rows must reach each output as they are; the good ones are wrapped in lint() per row.
  server = await serve((environ, start) => served(environ, start), { port: 0, host: '127.0.0.1', errors: quiet });
});
afterAll(() => server.close());

const RUNNERS: Record<string, Runner> = {
  'serve()': (app) => {
    served = app;
    return new Promise((resolve, reject) => {
      const { port } = new URL(server.url);
      request({ host: '127.0.0.1', port, path: '/', headers: HANDSHAKE })
        .on('upgrade', (res, socket) => {
          socket.destroy();
          resolve(String(res.statusCode));
        })
        .on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(`${res.statusCode} ${Buffer.concat(chunks).toString()}`));
        })
        .on('error', reject)
        .end();
    });
  },
  'toFetch()': async (app) => {
    const upgrades: unknown[] = [];
    // Bun's server as toFetch sees it (the fetch handler's second argument).
    const bun = {
      upgrade(_request: Request, options: { data: unknown }): boolean {
        const session = (options.data as { make: (t: WebSocketTransport) => GatewayWebSocket }).make({ send: () => undefined, close() {}, terminate() {}, bufferedAmount: 0 });
        upgrades.push(session);
        return true;
      },
    };
    // unlinted: the runner gets each row's app as the table gives it (good rows come wrapped in lint()).
    const response = await toFetch(app, { errors: quiet })(new Request('http://example.org/', { headers: HANDSHAKE }), bun);
    if (response === undefined) return upgrades.length === 1 ? '101' : `no Response and ${upgrades.length} upgrades`;
    return `${response.status} ${await response.text()}${upgrades.length > 0 ? ' (and upgraded)' : ''}`;
  },
  'testClient()': async (app) => {
    try {
      // catchErrors: an app's error is answered with core's 500, as the gateways do, not rethrown.
      const ws = await testClient(app, { lint: false, catchErrors: true }).websocket('/');
      ws.close(1000, 'done');
      await ws.closed;
      return '101';
    } catch (error) {
      if (error instanceof WebSocketRefused) return `${error.status} ${error.text}`;
      throw error;
    }
  },
};

describe.each(Object.keys(RUNNERS))('%s', (output) => {
  test.each(WEBSOCKET_ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const count = { steps: 0, closes: 0 };
    const app = row.app(count);
    expect(await RUNNERS[output]!(row.broken ? app : lint(app))).toBe(row.outcome);
    await settled(() => count.closes, row.body[1]);
    expect([count.steps, count.closes]).toEqual(row.body);
  });
});
