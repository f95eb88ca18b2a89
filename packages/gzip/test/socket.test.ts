/**
 * gzip() over a real socket: serve() on 127.0.0.1, raw node:http requests that see
 * the encoded bytes, fetch and curl as real decoding clients, server-sent events
 * that must arrive one by one, and a client that goes away mid-stream. Every app
 * runs with lint() above and below gzip(), so both the gateway's side and gzip's
 * side of each call are checked.
 */
import { onClose, type Application, type ResponseHeaders } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { execFile } from 'node:child_process';
import http from 'node:http';
import zlib from 'node:zlib';
import { gzip } from '../src/index.js';
import { withTimeout } from './with-timeout.js';

const BODY = Buffer.from('{"id":1,"name":"tsgi","tags":["wsgi","pep3333"]}\n'.repeat(400));
const JSON_HEADERS: ResponseHeaders = [['Content-Type', 'application/json']];

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function rawGet(url: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

const stream: Application = (_e, startResponse) => {
  async function* body() {
    startResponse('200 OK', JSON_HEADERS);
    for (let i = 0; i < BODY.byteLength; i += 3000) yield BODY.subarray(i, i + 3000);
  }
  return body();
};
const array: Application = (_e, startResponse) => {
  startResponse('200 OK', JSON_HEADERS);
  return [BODY];
};

let served: Served;
beforeAll(async () => {
  const app: Application = (environ, startResponse) =>
    (environ.PATH_INFO === '/stream' ? stream : array)(environ, startResponse);
  served = await serve(lint(gzip()(lint(app))), { port: 0 });
});
afterAll(() => served.close());

describe('gzip() over a socket', () => {
  it.each(['gzip', 'deflate', 'br'])('%s: the encoded bytes decode to the body, streamed and one-shot', async (coding) => {
    const decode = { gzip: zlib.gunzipSync, deflate: zlib.inflateSync, br: zlib.brotliDecompressSync }[coding]!;
    for (const path of ['/stream', '/array']) {
      const res = await rawGet(served.url + path, { 'Accept-Encoding': coding });
      expect(res.headers['content-encoding']).toBe(coding);
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(res.body.byteLength).toBeLessThan(BODY.byteLength / 5);
      expect(decode(res.body).equals(BODY)).toBe(true);
      if (path === '/array') expect(res.headers['content-length']).toBe(String(res.body.byteLength));
      else expect(res.headers['transfer-encoding']).toBe('chunked');
    }
  });

  it('fetch decodes every coding transparently', async () => {
    for (const coding of ['gzip', 'deflate', 'br']) {
      for (const path of ['/stream', '/array']) {
        const res = await fetch(served.url + path, { headers: { 'Accept-Encoding': coding } });
        expect(res.headers.get('content-encoding')).toBe(coding);
        expect(Buffer.from(await res.arrayBuffer()).equals(BODY)).toBe(true);
      }
    }
  });

  it('curl --compressed gets the original body', async () => {
    const curl = await new Promise<string | undefined>((resolve) =>
      execFile('which', ['curl'], (error, stdout) => resolve(error ? undefined : stdout.trim())),
    );
    if (!curl) return; // .ci/run installs curl; without it fetch above is the real client.
    for (const path of ['/stream', '/array']) {
      const out = await new Promise<Buffer>((resolve, reject) =>
        execFile(curl, ['-sS', '--compressed', '--max-time', '5', served.url + path], { encoding: 'buffer' }, (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        ),
      );
      expect(out.equals(BODY)).toBe(true);
    }
  });
});

describe('server-sent events through gzip()', () => {
  it('each event reaches the client before the app produces the next one', async () => {
    let confirm: (() => void) | undefined;
    const produced: number[] = [];
    let closed = 0;
    const sse: Application = (_e, startResponse) => {
      async function* events() {
        startResponse('200 OK', [['Content-Type', 'text/event-stream'], ['Cache-Control', 'no-cache']]);
        for (let i = 1; i <= 3; i++) {
          produced.push(i);
          yield Buffer.from(`id: ${i}\ndata: event number ${i}\n\n`);
          // The next event waits for the client to say it has decoded this one.
          await withTimeout(new Promise<void>((resolve) => (confirm = resolve)), 3000, `client receipt of event ${i}`);
        }
      }
      return onClose(events(), () => closed++);
    };
    const server = await serve(lint(gzip()(lint(sse))), { port: 0 });
    try {
      const received = await new Promise<string[]>((resolve, reject) => {
        const req = http.get(server.url, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
          expect(res.headers['content-encoding']).toBe('gzip');
          const gunzip = zlib.createGunzip();
          const events: string[] = [];
          let text = '';
          res.pipe(gunzip);
          gunzip.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            let end: number;
            while ((end = text.indexOf('\n\n')) !== -1) {
              events.push(text.slice(0, end));
              text = text.slice(end + 2);
              // What the app has produced so far must be exactly what arrived.
              expect(produced).toHaveLength(events.length);
              confirm?.();
            }
          });
          gunzip.on('end', () => resolve(events));
          gunzip.on('error', reject);
        });
        req.on('error', reject);
        req.setTimeout(5000, () => req.destroy(new Error('timeout')));
      });
      expect(received).toEqual([1, 2, 3].map((i) => `id: ${i}\ndata: event number ${i}`));
      expect(closed).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('a client that goes away', () => {
  it('closes the inner body once, ends its iterator and stops pulling', async () => {
    const state = { closed: 0, finished: 0, pulled: 0 };
    let gone: (() => void) | undefined;
    const goneNow = new Promise<void>((resolve) => (gone = resolve));
    const endless: Application = (_e, startResponse) => {
      async function* body() {
        try {
          startResponse('200 OK', [['Content-Type', 'text/plain']]);
          for (let i = 0; i < 100_000; i++) {
            state.pulled++;
            yield Buffer.from(`line ${i} ${Math.random()}\n`.repeat(50));
            if (i % 16 === 0) await new Promise((r) => setImmediate(r));
          }
        } finally {
          state.finished++;
        }
      }
      return onClose(body(), () => {
        state.closed++;
        gone?.();
      });
    };
    const server = await serve(lint(gzip()(lint(endless))), { port: 0 });
    try {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(server.url, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
      });
      await withTimeout(goneNow, 3000, 'close() after the client left');
      const pulled = state.pulled;
      await new Promise((r) => setTimeout(r, 100));
      expect(state.pulled).toBe(pulled);
      expect(state.pulled).toBeLessThan(100_000);
      expect(state.closed).toBe(1);
      expect(state.finished).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('statuses without content', () => {
  it('leaves a 205 alone even when a sloppy app gives it a body: no Content-Encoding on an empty answer', async () => {
    const reset: Application = (_e, startResponse) => {
      startResponse('205 Reset Content', JSON_HEADERS);
      return [BODY];
    };
    // unlinted: the app breaks body.no-content on purpose; the gateway drops the body.
    const server = await serve(gzip()(reset), { port: 0, errors: { write() {}, writelines() {}, flush() {} } });
    try {
      const res = await rawGet(server.url, { 'Accept-Encoding': 'gzip' });
      expect(res.status).toBe(205);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.body.byteLength).toBe(0);
    } finally {
      await server.close();
    }
  });
});
