/**
 * The access log on a real gateway: @tsgi/server on 127.0.0.1, raw `net` requests
 * carrying hostile bytes, a client that hangs up mid-body, gzip below the logger,
 * and a wsgi.file_wrapper body; lint() above and below the logger.
 */
import type { Application } from '@tsgi/core';
import { gzip } from '@tsgi/gzip';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessLog, type AccessLogOptions } from '../src/index.js';

const servers: Served[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(app: Application, options: AccessLogOptions = {}) {
  let text = '';
  const logger = accessLog({ stream: { write: (t: string) => void (text += t) }, ...options });
  // lint above and below the logger: the gateway's side and the logger's side are checked.
  const served = await serve(lint(logger(lint(app))), { port: 0, errors: { write: () => undefined } });
  servers.push(served);
  const port = new URL(served.url).port;
  return {
    port: Number(port),
    /** The lines written so far, after a flush; waits a little for close() to have run. */
    async lines(count: number): Promise<string[]> {
      for (let i = 0; i < 100 && text.split('\n').length - 1 < count; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        logger.flush();
      }
      logger.flush();
      return text === '' ? [] : text.slice(0, -1).split('\n');
    },
  };
}

/** Sends raw bytes on a fresh connection and resolves with everything the server sent back. */
function raw(port: number, request: Buffer | string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(3000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.end(typeof request === 'string' ? Buffer.from(request, 'latin1') : request);
  });
}

const ok: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from('ok')];
};

describe('accessLog over a socket', () => {
  it('writes one escaped combined line per hostile request', async () => {
    const server = await start(ok);
    const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
    const requests = [
      // Percent-encoded CR/LF, ESC and U+2028 in the path; quotes raw in the query.
      'GET /a%0D%0Ab%1B[31m%E2%80%A8?q="x" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n',
      // Quotes, backslashes, UTF-8 U+2028/U+2029 and C1 bytes in Referer and User-Agent.
      `GET /h HTTP/1.1\r\nHost: t\r\nReferer: http://e/"\\${utf8('\u2028')}\r\nUser-Agent: x" "y ${utf8('\u2029\u0085é')}\r\nConnection: close\r\n\r\n`,
    ];
    for (const request of requests) {
      const response = await raw(server.port, request);
      expect(response.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    }
    const lines = await server.lines(2);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^[\x20-\x7e]+$/);
    const [path, headers] = lines as [string, string];
    expect(path).toMatch(/^127\.0\.0\.1 - - \[[^\]]+\] "GET \/a%0D%0Ab%1B\[31m%E2%80%A8\?q=\\"x\\" HTTP\/1\.1" 200 2 "-" "-"$/);
    expect(headers).toMatch(
      /"GET \/h HTTP\/1\.1" 200 2 "http:\/\/e\/\\"\\\\\\xe2\\x80\\xa8" "x\\" \\"y \\xe2\\x80\\xa9\\xc2\\x85\\xc3\\xa9"$/,
    );
  });

  it('writes one JSON line per hostile request, which parses back to what was sent', async () => {
    const server = await start(ok, { format: 'json' });
    const ua = 'x" \u2028 \\ y';
    await raw(server.port, `GET /p%0A?q=%0D HTTP/1.1\r\nHost: t\r\nUser-Agent: ${Buffer.from(ua).toString('latin1')}\r\nConnection: close\r\n\r\n`);
    const lines = await server.lines(1);
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ method: 'GET', path: '/p%0A', query: 'q=%0D', status: 200, bytes: 2, outcome: 'ok' });
    // The gateway gives header bytes as latin-1; decoding them as UTF-8 gives back what was sent.
    expect(Buffer.from(entry.userAgent, 'latin1').toString('utf8')).toBe(ua);
  });

  it('logs a client that hangs up mid-body with the status sent and the bytes that got through', async () => {
    let closed = false;
    const endless: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      return (async function* () {
        try {
          for (let i = 0; i < 10_000; i++) {
            yield Buffer.alloc(16_384, 120);
            await new Promise((resolve) => setImmediate(resolve));
          }
        } finally {
          closed = true;
        }
      })();
    };
    const server = await start(endless, { format: 'common' });
    await new Promise<void>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      let received = 0;
      socket.on('data', (chunk) => {
        received += chunk.length;
        if (received > 50_000) socket.destroy();
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
      socket.write('GET /endless HTTP/1.1\r\nHost: t\r\n\r\n');
    });
    const lines = await server.lines(1);
    expect(closed).toBe(true);
    expect(lines).toHaveLength(1);
    const match = /"GET \/endless HTTP\/1\.1" 200 (\d+)$/.exec(lines[0]!);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThan(16_384);
    expect(Number(match![1])).toBeLessThan(10_000 * 16_384);
  });

  it('counts the compressed bytes when gzip sits below it', async () => {
    const text = 'all work and no play makes a dull log line. '.repeat(200);
    const server = await start(
      gzip()((_environ, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return [Buffer.from(text)];
      }),
      { format: 'json' },
    );
    const response = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { 'Accept-Encoding': 'gzip' } });
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]+-\d+$/);
    const entry = JSON.parse((await server.lines(1))[0]!);
    // fetch decompresses; the wire length is the Content-Length the gateway sent.
    const wire = Number(response.headers.get('content-length'));
    expect(entry.bytes).toBe(wire);
    expect(entry.bytes).toBeLessThan(text.length / 4);
    expect(body.toString()).toBe(text);
    expect(entry.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('keeps the file fast path and logs the file size', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tsgi-logger-')), 'data.bin');
    writeFileSync(file, Buffer.alloc(100_000, 7));
    const server = await start(
      (environ, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
        return environ['wsgi.file_wrapper']!(file);
      },
      { format: 'common' },
    );
    const response = await fetch(`http://127.0.0.1:${server.port}/file`);
    expect((await response.arrayBuffer()).byteLength).toBe(100_000);
    expect((await server.lines(1))[0]).toMatch(/"GET \/file HTTP\/1\.1" 200 100000$/);
  });
});

describe('statuses without content', () => {
  it('logs a 205 whose sloppy app gave a body as 0 bytes sent, not aborted', async () => {
    let text = '';
    const logger = accessLog({ stream: { write: (t: string) => void (text += t) }, format: 'json' });
    const reset: Application = (_e, startResponse) => {
      startResponse('205 Reset Content', []);
      return (async function* () {
        yield Buffer.from('the gateway drops this');
      })();
    };
    // unlinted: the app breaks body.no-content on purpose; the gateway sends no content.
    const served = await serve(logger(reset), { port: 0, errors: { write: () => undefined } });
    servers.push(served);
    const reply = await raw(Number(new URL(served.url).port), 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(reply.toString('latin1')).toMatch(/^HTTP\/1\.1 205 /);
    for (let i = 0; i < 100 && text === ''; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      logger.flush();
    }
    expect(JSON.parse(text.trim())).toMatchObject({ status: 205, bytes: 0, outcome: 'ok' });
  });
});
