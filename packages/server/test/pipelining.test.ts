/**
 * Pipelined requests (RFC 9112 9.3.2) and how they end. node:http runs the app for
 * every request it parses at once, but queues the response of each one behind the
 * previous; a queued response has no socket, so when the client hangs up it never
 * hears 'close'. The gateway must still stop and close() every body, exactly once,
 * however deep the pipeline and wherever the client hangs up. And a request refused
 * with `Connection: close` ends the connection: nothing pipelined behind it reaches
 * the app.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Application, Body } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { headOf, sleep, startServer, waitFor, type TestServer } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsgi-pipeline-'));
const FILE = join(dir, 'big.bin');
writeFileSync(FILE, Buffer.alloc(4 * 1024 * 1024, 120));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHUNK = Buffer.alloc(64 * 1024, 97);
const CHUNKS = 64; // 4 MiB a response: far more than the socket takes at once

/** What the app made and what became of it. */
const counts = { bodies: 0, closes: 0, started: 0, finalized: 0 };
function reset(): void {
  counts.bodies = counts.closes = counts.started = counts.finalized = 0;
}

function counted<B extends Body>(body: B): B {
  counts.bodies++;
  const inner = body.close?.bind(body);
  return Object.assign(body, {
    close() {
      counts.closes++;
      return inner?.();
    },
  });
}

async function* asyncBig(): AsyncGenerator<Uint8Array> {
  counts.started++;
  try {
    for (let i = 0; i < CHUNKS; i++) {
      yield CHUNK;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    counts.finalized++;
  }
}

function* syncBig(): Generator<Uint8Array> {
  counts.started++;
  try {
    for (let i = 0; i < CHUNKS; i++) yield CHUNK;
  } finally {
    counts.finalized++;
  }
}

const TEXT: [string, string] = ['Content-Type', 'application/octet-stream'];

/** `/async.bin`, `/sync.bin`, `/file.bin`, `/later.bin` (an async app), `/small` (an array). */
const app: Application = (environ, start) => {
  switch (environ.PATH_INFO) {
    case '/async.bin':
      start('200 OK', [TEXT]);
      return counted(asyncBig());
    case '/sync.bin':
      start('200 OK', [TEXT]);
      return counted(syncBig());
    case '/file.bin':
      start('200 OK', [TEXT]);
      return counted(environ['wsgi.file_wrapper']!(FILE, 64 * 1024));
    case '/later.bin':
      return (async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        start('200 OK', [TEXT]);
        return counted(asyncBig());
      })();
    default:
      start('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '2']]);
      return counted(Object.assign([Buffer.from('ok')], {}));
  }
};

let server: TestServer;
let connections = 0;
beforeAll(async () => {
  server = await startServer(lint(app));
  server.server.on('connection', (socket: Socket) => {
    connections++;
    socket.once('close', () => connections--);
  });
});
afterAll(() => server.close());

const fdCount = (): number => readdirSync('/proc/self/fd').length;

type Abort = 'on first bytes' | 'after 1 MiB' | 'at once' | 'after 20 ms';

/** Pipelines `paths` on one connection and hangs up at `abort`; resolves when the socket is gone. */
function pipelineAndHangUp(paths: string[], abort: Abort): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect(server.port, '127.0.0.1');
    let received = 0;
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.once('connect', () => {
      socket.write(paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
      if (abort === 'at once') socket.destroy();
      else if (abort === 'after 20 ms') setTimeout(() => socket.destroy(), 20);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      if (abort === 'on first bytes' || (abort === 'after 1 MiB' && received >= 1024 * 1024)) socket.destroy();
    });
  });
}

/** Waits until the server has no connection left. */
function idle(): Promise<boolean> {
  return waitFor(() => connections === 0, 3000);
}

describe('every pipelined body is closed once when the client hangs up', () => {
  const KINDS = ['/async.bin', '/sync.bin', '/file.bin', '/later.bin'];
  const ABORTS: Abort[] = ['on first bytes', 'after 1 MiB', 'at once', 'after 20 ms'];
  const rows = KINDS.flatMap((kind) => ABORTS.map((abort) => [kind, abort] as const));

  test.each(rows)('%s, hang up %s, depth 1..8', async (kind, abort) => {
    for (let depth = 1; depth <= 8; depth++) {
      reset();
      // Mixed behind the first: every kind, and a small array body.
      const paths = Array.from({ length: depth }, (_, i) => (i === 0 ? kind : [...KINDS, '/small'][i % 5]!));
      await pipelineAndHangUp(paths, abort);
      expect(await idle()).toBe(true);
      await waitFor(() => counts.closes >= counts.bodies, 2000);
      await sleep(20);
      expect({ depth, ...counts, closes: counts.closes }).toEqual({ depth, ...counts, closes: counts.bodies });
      // Every generator that started has run its finally.
      expect({ depth, finalized: counts.finalized }).toEqual({ depth, finalized: counts.started });
    }
  });

  test('no file descriptor is left open after many pipelined hang-ups', async () => {
    // Warm up (lazy handles: the file, the loopback client), then count.
    await pipelineAndHangUp(['/file.bin', '/file.bin'], 'on first bytes');
    expect(await idle()).toBe(true);
    await sleep(50);
    const before = fdCount();
    for (let i = 0; i < 20; i++) await pipelineAndHangUp(['/file.bin', '/file.bin', '/file.bin', '/async.bin'], 'on first bytes');
    expect(await idle()).toBe(true);
    expect(await waitFor(() => fdCount() <= before, 3000)).toBe(true);
  });

  test('a pipeline read to its end is answered in order, every body closed once', async () => {
    reset();
    const paths = ['/small', '/sync.bin', '/small', '/async.bin', '/small'];
    const text = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      let size = 0;
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.byteLength;
        // Three "ok" bodies and two chunked 4 MiB ones, then the connection is idle.
        if (size > 2 * CHUNKS * CHUNK.byteLength && Buffer.concat(chunks).toString('latin1').endsWith('\r\n\r\nok')) {
          socket.destroy();
          resolve(Buffer.concat(chunks).toString('latin1'));
        }
      });
      socket.write(paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
    });
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(5);
    expect(await waitFor(() => counts.closes === 5)).toBe(true);
    expect(counts).toEqual({ bodies: 5, closes: 5, started: 2, finalized: 2 });
    expect(headOf(text).statusLine).toBe('HTTP/1.1 200 OK');
  });
});

/**
 * A refusal goes out with `Connection: close`: the connection ends there, and a request
 * pipelined behind the refused one (in the same packet) must never reach the app.
 * Otherwise `GET / ... Host: a\r\nHost: b` + `POST /side-effect` runs the POST, its
 * answer is thrown away, and a front proxy that split them differently is desynced.
 */
describe('nothing pipelined behind a refusal reaches the app', () => {
  let sideEffects = 0;
  const counting: Application = (environ, start) => {
    if (environ.PATH_INFO === '/side-effect') sideEffects++;
    start('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '2']]);
    return [Buffer.from('ok')];
  };
  let refusing: TestServer;
  beforeAll(async () => {
    refusing = await startServer(lint(counting), { limits: { maxBodyBytes: 10, headerMap: 'refuse' } });
  });
  afterAll(() => refusing.close());

  const FOLLOWER = 'POST /side-effect HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n';
  const many = (n: number): string => Array.from({ length: n }, (_, i) => `X-H${i}: v\r\n`).join('');
  const REFUSED: Array<[name: string, status: number, request: string]> = [
    ['a repeated Host', 400, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
    ['a missing Host', 400, 'GET / HTTP/1.1\r\n\r\n'],
    ["a header name with '_' (headerMap: 'refuse')", 400, 'GET / HTTP/1.1\r\nHost: x\r\nX_Bad: 1\r\n\r\n'],
    ['a repeated Content-Type', 400, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: a/b\r\nContent-Type: c/d\r\nContent-Length: 0\r\n\r\n'],
    ["'*' on GET", 400, 'GET * HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['Transfer-Encoding on HTTP/1.0', 400, 'POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a forbidden trailer', 400, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nHost: y\r\n\r\n'],
    ['a Content-Length over maxBodyBytes (413)', 413, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n${'b'.repeat(20)}`],
    ['a held chunked body over maxBodyBytes (413)', 413, `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n${'b'.repeat(20)}\r\n0\r\n\r\n`],
    ['a request line over 4094 bytes (414)', 414, `GET /${'a'.repeat(5000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
    ['more than 100 header fields (431)', 431, `GET / HTTP/1.1\r\nHost: x\r\n${many(101)}\r\n`],
    ['a header field over 8190 bytes (431)', 431, `GET / HTTP/1.1\r\nHost: x\r\nX-Long: ${'v'.repeat(9000)}\r\n\r\n`],
    ['a transfer coding other than chunked (501)', 501, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'],
  ];

  /** Sends `data` in one write and reads until the server closes (or 1 s passes). */
  function exchange(data: string): Promise<{ text: string; closed: boolean }> {
    return new Promise((resolve) => {
      const socket = connect(refusing.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => finish(false), 1000);
      const finish = (closed: boolean): void => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
      };
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('close', () => finish(true));
      socket.on('error', () => finish(true));
      socket.write(data);
    });
  }

  test.each(REFUSED)('%s: %i, Connection: close, and the pipelined POST never runs', async (_name, status, request) => {
    sideEffects = 0;
    const { text, closed } = await exchange(request + FOLLOWER + FOLLOWER);
    const { statusLine, headers } = headOf(text);
    expect(statusLine.slice(0, 12)).toBe(`HTTP/1.1 ${status}`);
    expect(headers.connection).toBe('close');
    expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(closed).toBe(true);
    await sleep(20);
    expect(sideEffects).toBe(0);
  });

  test('behind a request the app answers, a refused one still stops the rest', async () => {
    sideEffects = 0;
    const { text, closed } = await exchange('GET /first HTTP/1.1\r\nHost: x\r\n\r\n' + 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n' + FOLLOWER);
    expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 400']);
    expect(closed).toBe(true);
    await sleep(20);
    expect(sideEffects).toBe(0);
  });

  test('pipelined requests that pass all run, in order', async () => {
    sideEffects = 0;
    const { text } = await exchange(FOLLOWER + FOLLOWER + 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text.match(/HTTP\/1\.1 200/g)).toHaveLength(3);
    expect(sideEffects).toBe(2);
  });
});
