/**
 * One rule for a node response's framing headers under every bridge (src/node-framing.ts):
 * an app below a tsgi layer that sets a transfer coding the gateway cannot apply gets
 * an error (a 500 from the gateway and a line naming the coding), the same under
 * `toConnect` as under `fromNodeListener`; `chunked` and node's connection headers
 * are left to the gateway and dropped. Before the rule the host adapters dropped
 * `Transfer-Encoding: gzip` silently and sent the coded bytes as if they were plain.
 */
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import type { Middleware } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { fromNodeListener, toConnect } from '@tsgi/adapters';
import { serve } from '@tsgi/server';
import { checkTransferCoding, isNodeFraming } from '../src/node-framing.js';

/** A tsgi layer that changes nothing, under lint on both sides. */
const passThrough: Middleware = (inner) => lint(lint(inner));

/** An Express route that sends gzip-coded bytes declared as a transfer coding. */
function codedRoute(coding: string): express.Express {
  return express().get('/', (_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('Transfer-Encoding', coding);
    res.end(coding === 'chunked' ? 'plain text' : gzipSync('plain text'));
  });
}

async function fetchStatus(server: Server): Promise<{ status: number; body: string }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    get(`http://127.0.0.1:${port}/`, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test('the rule: framing headers by name in any case; only chunked passes as a transfer coding', () => {
  expect(['Connection', 'keep-alive', 'TRANSFER-ENCODING'].map(isNodeFraming)).toEqual([true, true, true]);
  expect(['Content-Encoding', 'Content-Length'].map(isNodeFraming)).toEqual([false, false]);
  expect(() => checkTransferCoding('Transfer-Encoding', 'chunked', 'toConnect', 'the app below')).not.toThrow();
  expect(() => checkTransferCoding('Connection', 'gzip', 'toConnect', 'the app below')).not.toThrow();
  expect(() => checkTransferCoding('transfer-encoding', 'gzip, chunked', 'toConnect', 'the app below')).toThrow(
    'toConnect: the app below set Transfer-Encoding: gzip, chunked, but the gateway frames the body itself and cannot apply "gzip"',
  );
});

describe('toConnect: an app below that sets Transfer-Encoding', () => {
  let server: Server;
  const logged: string[] = [];
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function start(coding: string): Promise<void> {
    const app = express();
    app.use(toConnect(passThrough, { errors: { write: (text: string) => void logged.push(text), writelines: () => undefined, flush: () => undefined } }));
    app.use(codedRoute(coding));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }

  test('gzip: a 500 and a line naming the coding, never the coded bytes passed off as plain', async () => {
    await start('gzip');
    const reply = await fetchStatus(server);
    expect(reply.status).toBe(500);
    expect(logged.join('')).toContain('set Transfer-Encoding: gzip, but the gateway frames the body itself');
  });

  test('chunked: the body as sent, framed by the gateway', async () => {
    await start('chunked');
    expect(await fetchStatus(server)).toEqual({ status: 200, body: 'plain text' });
  });
});

test('fromNodeListener answers the same coding the same way', async () => {
  const logged: string[] = [];
  const served = await serve(lint(fromNodeListener(codedRoute('gzip'))), {
    port: 0,
    host: '127.0.0.1',
    errors: { write: (text: string) => void logged.push(text) },
  });
  try {
    const reply = await fetch(served.url);
    expect(reply.status).toBe(500);
    expect(logged.join('')).toContain('set Transfer-Encoding: gzip, but the gateway frames the body itself');
  } finally {
    await served.close();
  }
});
