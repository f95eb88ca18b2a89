/**
 * The body readers over a real socket: serve() on 127.0.0.1, raw `net` clients that
 * control exactly what is sent and when (a body over the limit that is never sent in
 * full, a slow trickle, a client that leaves mid-body), httpErrors() rendering the
 * readers' HttpErrors. Every app runs under lint() above and below the readers.
 */
import { isClientDisconnected, type Application, type InputStream } from '@tsgi/core';
import { httpErrors } from '@tsgi/errors';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { connect } from 'node:net';
import { json, request } from '../src/index.js';

interface Exchange {
  /** What came back, as text (latin-1). */
  reply: string;
  /** Body bytes the client had not sent yet when the reply's status line arrived. */
  unsentAtReply: number;
}

/**
 * Sends `head`, then `pieces` of the body every `gapMs`; resolves when the server
 * closes or `waitMs` after the reply's status line arrived.
 */
function exchange(port: number, head: string, pieces: string[], gapMs: number, waitMs = 300): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    let unsentAtReply = -1;
    let next = 0;
    let deadline: NodeJS.Timeout | undefined;
    const unsent = (): number => pieces.slice(next).reduce((n, p) => n + p.length, 0);
    const finish = (): void => {
      clearInterval(timer);
      clearTimeout(deadline);
      socket.destroy();
      resolve({ reply, unsentAtReply });
    };
    socket.on('data', (chunk) => {
      if (reply === '') {
        unsentAtReply = unsent();
        clearTimeout(deadline);
        deadline = setTimeout(finish, waitMs);
      }
      reply += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
    // Strings stand for bytes, one char each.
    socket.write(head, 'latin1');
    const timer = setInterval(() => {
      if (next < pieces.length) socket.write(pieces[next++]!, 'latin1');
    }, gapMs);
    deadline = setTimeout(finish, 10_000);
  });
}

/** The status code and body of a raw HTTP/1.1 reply (Content-Length framed). */
function parse(reply: string): { status: number; body: string } {
  const end = reply.indexOf('\r\n\r\n');
  return { status: Number(reply.slice(9, 12)), body: Buffer.from(reply.slice(end + 4), 'latin1').toString('utf8') };
}

/** Counts the bytes taken from wsgi.input below it, however they are read. */
function counting(seen: { bytes: number }): (app: Application) => Application {
  const count = (bytes: Uint8Array): Uint8Array => {
    seen.bytes += bytes.byteLength;
    return bytes;
  };
  return (app) => (environ, startResponse) => {
    const input = environ['wsgi.input'];
    const counted: InputStream = {
      read: async (size) => count(await input.read(size)),
      readline: async (size) => count(await input.readline(size)),
      readlines: async (hint) => (await input.readlines(hint)).map(count),
      async *[Symbol.asyncIterator]() {
        for await (const chunk of input) {
          seen.bytes += chunk.byteLength;
          yield chunk;
        }
      },
    };
    environ['wsgi.input'] = counted;
    return app(environ, startResponse);
  };
}

const running: Served[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((served) => served.close()));
});

async function start(app: Application): Promise<number> {
  const served = await serve(lint(httpErrors()(lint(app))), { port: 0, host: '127.0.0.1', errors: { write: () => undefined } });
  running.push(served);
  return Number(new URL(served.url).port);
}

const echo: Application = async (environ, startResponse) => json({ got: await request(environ).json({ limit: 64 * 1024 }) })(environ, startResponse);

test('JSON whose Content-Length is over the limit: 413 at once, before the client sends the body', async () => {
  const seen = { bytes: 0 };
  const port = await start(counting(seen)(echo));
  const head = 'POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n';
  const { reply, unsentAtReply } = await exchange(port, head, Array.from({ length: 20 }, () => 'x'.repeat(1000)), 50);
  const { status, body } = parse(reply);
  expect(status).toBe(413);
  expect(body).toContain("the request body of 10000000 bytes is over json()'s limit of 65536 bytes");
  expect(seen.bytes).toBe(0);
  expect(unsentAtReply).toBeGreaterThan(0);
});

test('chunked JSON over the limit: 413 once past it, reading no further than the chunk that crossed it', async () => {
  const seen = { bytes: 0 };
  const port = await start(counting(seen)(echo));
  const head = 'POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
  // 8 KiB chunks, 40 of them (320 KiB offered); the limit is 64 KiB.
  const chunk = `2000\r\n${'x'.repeat(0x2000)}\r\n`;
  const { reply, unsentAtReply } = await exchange(port, head, Array.from({ length: 40 }, () => chunk), 10);
  expect(parse(reply).status).toBe(413);
  expect(parse(reply).body).toContain("the request body is over json()'s limit of 65536 bytes");
  expect(seen.bytes).toBeGreaterThan(64 * 1024);
  // What crossed the limit is one socket read at most (the gateway reads up to 64 KiB at a time).
  expect(seen.bytes).toBeLessThanOrEqual(2 * 64 * 1024);
  expect(unsentAtReply).toBeGreaterThan(0);
});

test('a slow client: a body that trickles in byte by byte is parsed whole', async () => {
  const port = await start(echo);
  const text = JSON.stringify({ slow: 'zoë', n: [1, 2, 3] });
  const bytes = Buffer.from(text);
  const head = `POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${bytes.byteLength}\r\nConnection: close\r\n\r\n`;
  const pieces = Array.from(bytes, (byte) => String.fromCharCode(byte));
  const { reply } = await exchange(port, head, pieces, 5);
  expect(parse(reply)).toEqual({ status: 200, body: JSON.stringify({ got: { slow: 'zoë', n: [1, 2, 3] } }) });
});

test('a client that leaves mid-body: the read rejects with ClientDisconnected, no unhandled rejection, the server goes on', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const errors: unknown[] = [];
    const port = await start(async (environ, startResponse) => {
      const req = request(environ);
      try {
        await Promise.all([req.json(), req.text(), req.bytes()]);
      } catch (error) {
        errors.push(error);
        // A later read says the same, without touching the socket again.
        await req.text().catch((again: unknown) => errors.push(again));
        throw error;
      }
      return json({ unexpected: true })(environ, startResponse);
    });
    const head = 'POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(head + '{"half": "');
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    for (let i = 0; i < 100 && errors.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors.map(isClientDisconnected)).toEqual([true, true]);
    expect(errors[1]).toBe(errors[0]);
    expect(unhandled).toEqual([]);

    const { reply } = await exchange(port, 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', [], 10);
    expect(parse(reply).status).toBe(415);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('malformed JSON over a socket: httpErrors() answers 400 with the reason', async () => {
  const port = await start(echo);
  const body = '{"a": tru}';
  const head = `POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  const { reply } = await exchange(port, head, [body], 5);
  const { status, body: text } = parse(reply);
  expect(status).toBe(400);
  expect(text).toMatch(/json\(\): the body is not valid JSON: \S/);
});
