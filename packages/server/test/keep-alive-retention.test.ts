/**
 * A finished request lets go of its environ while its keep-alive connection stays open.
 * node's parser keeps the connection's last IncomingMessage until the next request
 * (or, once the response has finished, until that request's 'end'); whatever the
 * gateway hangs on the request must not keep the environ, the app's body, the request
 * view's kept bytes and the response writer alive with it. On a busy server every idle
 * connection would otherwise hold one request's worth of objects into old space.
 *
 * Each case: one request on a raw socket, the full answer read, the socket left open,
 * then GC: the environ the app saw must be gone. A second request on the same socket
 * then proves the connection was kept (no fix by closing it).
 */
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Application, Body, Environ } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { openSocket, startServer, waitFor } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const DONE = Buffer.from('done');

/** A body the gateway must walk (no length known up front): it goes out chunked. */
function streamed(): Body {
  return (async function* stream() {
    yield DONE;
  })();
}

interface Case {
  name: string;
  /** How the app reads `wsgi.input`. */
  read: (environ: Environ) => Promise<unknown>;
  /** An array body (length known) or a streamed one. */
  body: 'array' | 'streamed';
  chunked?: boolean;
}

const CASES: Case[] = [
  // PEP 3333's own idiom: read exactly CONTENT_LENGTH bytes. The input then knows the
  // body is over, but node has not yet emitted the request's 'end'.
  { name: 'read(CONTENT_LENGTH), array body', read: (e) => e['wsgi.input'].read(Number(e.CONTENT_LENGTH)), body: 'array' },
  { name: 'read(CONTENT_LENGTH), streamed body', read: (e) => e['wsgi.input'].read(Number(e.CONTENT_LENGTH)), body: 'streamed' },
  { name: 'read to the end', read: (e) => e['wsgi.input'].read(), body: 'array' },
  { name: 'half read, the rest discarded', read: (e) => e['wsgi.input'].read(Number(e.CONTENT_LENGTH) >> 1), body: 'streamed' },
  { name: 'left unread', read: () => Promise.resolve(), body: 'array' },
  { name: 'chunked, read to the end', read: (e) => e['wsgi.input'].read(), body: 'streamed', chunked: true },
];

const PAYLOAD = 'x'.repeat(10_000);

function requestBytes(chunked: boolean): string {
  return chunked
    ? `POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n${PAYLOAD.length.toString(16)}\r\n${PAYLOAD}\r\n0\r\n\r\n`
    : `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${PAYLOAD.length}\r\n\r\n${PAYLOAD}`;
}

/** Whether the n-th answer on the socket is complete (Content-Length or chunked). */
function answers(received: string, body: Case['body']): number {
  return received.split(body === 'array' ? 'done' : 'done\r\n0\r\n\r\n').length - 1;
}

async function collect(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test.each(CASES)('a finished keep-alive request lets go of its environ: $name', async ({ read, body, chunked = false }) => {
  let seen: WeakRef<Environ> | undefined;
  const app: Application = async function retained(environ, startResponse) {
    seen = new WeakRef(environ);
    await read(environ);
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return body === 'array' ? [DONE] : streamed();
  };
  const server = await startServer(lint(app));
  const socket = await openSocket(server.port);
  try {
    socket.write(requestBytes(chunked));
    expect(await waitFor(() => answers(socket.received(), body) === 1)).toBe(true);
    await collect();
    expect(socket.destroyed).toBe(false);
    expect(seen?.deref()).toBeUndefined();
    // The same connection serves the next request.
    socket.write(requestBytes(chunked));
    expect(await waitFor(() => answers(socket.received(), body) === 2)).toBe(true);
    expect(server.log).toEqual([]);
  } finally {
    socket.destroy();
    await server.close();
  }
});

// A slow client: the whole answer is handed to node (res.end) but sits in the socket's
// buffer until the client reads. The app and its body are done, so the environ (and what
// the app parsed into it: a JSON body's tree, say) must not wait for the client too; with
// many slow or busy clients those trees would survive young-generation collections and
// be copied into old space.
test('an answer the client has not read yet does not keep its environ', async () => {
  const big = Buffer.alloc(64 * 1024 * 1024, 0x61);
  let seen: WeakRef<Environ> | undefined;
  let answered = false;
  const app: Application = async function slowlyRead(environ, startResponse) {
    seen = new WeakRef(environ);
    await environ['wsgi.input'].read();
    startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', String(big.byteLength)]]);
    answered = true;
    return [big];
  };
  const server = await startServer(lint(app));
  const socket = connect(server.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.pause();
  try {
    socket.write(requestBytes(false));
    expect(await waitFor(() => answered)).toBe(true);
    await collect();
    // The client has read nothing: the response is still in flight.
    expect(socket.bytesRead).toBeLessThan(big.byteLength);
    expect(seen?.deref()).toBeUndefined();
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.byteLength));
    socket.resume();
    expect(await waitFor(() => received > big.byteLength, 10_000)).toBe(true);
    expect(server.log).toEqual([]);
  } finally {
    socket.destroy();
    await server.close();
  }
});
