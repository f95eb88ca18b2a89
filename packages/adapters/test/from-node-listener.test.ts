/**
 * fromNodeListener with hand-written (req, res) listeners, served by serve() on
 * 127.0.0.1: node's own response API (writeHead forms, flushHeaders, HEAD, 204/304,
 * statusMessage, header arrays, framing), errors and timeouts, backpressure both ways,
 * and a property test that a round trip keeps bytes exactly.
 */
import { createServer, get, request as httpRequest, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { fromNodeListener, type FromNodeListenerOptions, type NodeRequestListener } from '../src/from-node-listener.js';

const errors: string[] = [];
const collect = { write: (text: string) => void errors.push(text), writelines(): void {}, flush(): void {} };

const servers: Array<Served> = [];
async function wrap(listener: NodeRequestListener, options?: FromNodeListenerOptions): Promise<string> {
  const served = await serve(lint(fromNodeListener(listener, options)), { port: 0, errors: collect });
  servers.push(served);
  return served.url;
}
afterAll(() => Promise.all(servers.map((s) => s.close())));

/** A raw node:http GET, to see statusMessage and raw header names. */
function rawGet(url: string, method = 'GET'): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('node:http response API through the wrap', () => {
  test('writeHead with a reason phrase and a flat header array keeps both', async () => {
    const url = await wrap((_req, res) => {
      res.writeHead(201, 'Made Here', ['X-Twice', '1', 'X-Twice', '2', 'Content-Type', 'text/plain']);
      res.end('made');
    });
    const { res, body } = await rawGet(url);
    expect(res.statusCode).toBe(201);
    expect(res.statusMessage).toBe('Made Here');
    expect(res.headersDistinct['x-twice']).toEqual(['1', '2']);
    expect(body.toString()).toBe('made');
  });

  test('res.statusMessage and setHeader arrays (two Set-Cookie)', async () => {
    const url = await wrap((_req, res) => {
      res.statusCode = 202;
      res.statusMessage = 'Queued';
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.end();
    });
    const { res, body } = await rawGet(url);
    expect([res.statusCode, res.statusMessage]).toEqual([202, 'Queued']);
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['content-length']).toBe('0');
    expect(body.length).toBe(0);
  });

  test('flushHeaders commits status and headers; the body follows later', async () => {
    // PEP 3333: the gateway sends nothing before the first body byte, so this checks
    // the Application settles at flushHeaders, not when the listener ends.
    let finish!: () => void;
    const app = fromNodeListener((_req, res) => {
      res.setHeader('Content-Type', 'text/plain');
      res.flushHeaders();
      finish = () => res.end('later');
    });
    const started: unknown[] = [];
    const environ = {
      REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: '/', QUERY_STRING: '', SERVER_NAME: '127.0.0.1',
      SERVER_PORT: '80', SERVER_PROTOCOL: 'HTTP/1.1', 'wsgi.url_scheme': 'http', 'wsgi.input': (async function* () {})(),
    } as never;
    const body = (await app(environ, (status, headers) => {
      started.push(status, headers);
      return () => undefined;
    })) as AsyncIterable<Uint8Array>;
    expect(started).toEqual(['200 OK', [['Content-Type', 'text/plain']]]);
    finish();
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('later');

    const url = await wrap((_req, res) => {
      res.flushHeaders();
      setTimeout(() => res.end('later'), 5);
    });
    expect(await (await fetch(url)).text()).toBe('later');
  });

  test('HEAD: headers with the Content-Length of the GET, no body', async () => {
    const url = await wrap((_req, res) => {
      res.setHeader('Content-Length', '5');
      res.end('hello');
    });
    const { res, body } = await rawGet(url, 'HEAD');
    expect(res.headers['content-length']).toBe('5');
    expect(body.length).toBe(0);
  });

  test.each([204, 304])('%d sends no body even when the listener writes one', async (code) => {
    const url = await wrap((_req, res) => {
      res.writeHead(code, { ETag: '"x"' });
      res.end('ignored');
    });
    const { res, body } = await rawGet(url);
    expect(res.statusCode).toBe(code);
    expect(res.headers.etag).toBe('"x"');
    expect(body.length).toBe(0);
  });

  test('Content-Length is honoured; a streamed body without one is chunked', async () => {
    const url = await wrap((req, res) => {
      if (req.url === '/fixed') {
        res.setHeader('Content-Length', '6');
        res.write('abc');
        setTimeout(() => res.end('def'), 5);
      } else {
        res.write('abc');
        setTimeout(() => res.end('def'), 5);
      }
    });
    const fixed = await rawGet(url + '/fixed');
    expect(fixed.res.headers['content-length']).toBe('6');
    expect(fixed.res.headers['transfer-encoding']).toBeUndefined();
    expect(fixed.body.toString()).toBe('abcdef');
    const streamed = await rawGet(url + '/streamed');
    expect(streamed.res.headers['transfer-encoding']).toBe('chunked');
    expect(streamed.body.toString()).toBe('abcdef');
  });

  test('a listener asking for Transfer-Encoding: chunked still sends plain bytes', async () => {
    const url = await wrap((_req, res) => {
      res.setHeader('Transfer-Encoding', 'chunked');
      res.write('one,');
      setTimeout(() => res.end('two'), 5);
    });
    expect(await (await fetch(url)).text()).toBe('one,two');
  });
});

describe('errors and time', () => {
  test('a throw before the headers is the gateway’s 500, and the server keeps serving', async () => {
    const url = await wrap((req, res) => {
      if (req.url === '/throw') throw new Error('listener broke');
      res.end('fine');
    });
    expect((await fetch(url + '/throw')).status).toBe(500);
    expect(errors.join('')).toContain('listener broke');
    expect(await (await fetch(url + '/ok')).text()).toBe('fine');
  });

  test.each([
    ['a null-prototype object', (): unknown => Object.create(null)],
    ['a Proxy whose traps throw', (): unknown => new Proxy({}, new Proxy({}, { get: () => () => { throw new Error('trap'); } }))],
  ])('a listener that throws or rejects with %s: 500, and the server keeps serving', async (_name, make) => {
    const url = await wrap((req, res) => {
      if (req.url === '/throw') throw make();
      if (req.url === '/reject') return Promise.reject(make() as Error);
      res.end('fine');
    });
    expect((await fetch(url + '/throw')).status).toBe(500);
    expect((await fetch(url + '/reject')).status).toBe(500);
    expect(await (await fetch(url + '/ok')).text()).toBe('fine');
  });

  test('a rejected promise (an async listener) is a 500 too', async () => {
    const url = await wrap(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw new Error('async broke');
    });
    expect((await fetch(url)).status).toBe(500);
  });

  test('a header node accepts but PEP 3333 forbids fails in startResponse: 500', async () => {
    // unlinted: the listener sends a forbidden header on purpose; the gateway must refuse it (lint would first).
    const served = await serve(
      fromNodeListener((_req, res) => {
        res.setHeader('Upgrade', 'websocket');
        res.end('no');
      }),
      { port: 0, errors: collect },
    );
    servers.push(served);
    expect((await fetch(served.url)).status).toBe(500);
  });

  test('a listener that never answers fails after `timeout` ms; res sees close', async () => {
    let closed = false;
    const url = await wrap(
      (_req, res) => {
        res.on('close', () => (closed = true));
      },
      { timeout: 50 },
    );
    const started = Date.now();
    expect((await fetch(url)).status).toBe(500);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(errors.join('')).toContain('did not start a response within 50 ms');
    expect(closed).toBe(true);
  });

  test('a throw after the headers cuts the connection', async () => {
    const url = await wrap((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('partial');
      setTimeout(() => res.destroy(new Error('gone wrong')), 5);
    });
    const response = await fetch(url);
    await expect(response.text()).rejects.toThrow();
  });

  test('the client going away closes res and aborts req', async () => {
    const seen = { resClose: false, reqAborted: false };
    let onGone!: () => void;
    const gone = new Promise<void>((resolve) => (onGone = resolve));
    const url = await wrap((req, res) => {
      req.on('aborted', () => (seen.reqAborted = true));
      res.on('close', () => {
        seen.resClose = true;
        onGone();
      });
      const timer = setInterval(() => res.write('tick\n'), 2);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => {
      const req = get(url, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });
    await gone;
    expect(seen).toEqual({ resClose: true, reqAborted: true });
  });
});

describe('backpressure', () => {
  test('res.write returns false while the client is behind, then drain; all bytes arrive', async () => {
    const chunk = Buffer.alloc(64 * 1024, 97);
    const total = 64; // 4 MiB
    const stats = { falses: 0, drains: 0 };
    const url = await wrap((_req, res) => {
      let sent = 0;
      res.on('drain', () => stats.drains++);
      const pump = (): void => {
        while (sent < total) {
          sent++;
          if (!res.write(chunk)) {
            stats.falses++;
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      get(url, { agent: false }, (res) => {
        res.pause();
        // A slow reader: let the buffers fill before reading.
        setTimeout(() => res.resume(), 50);
        res.on('data', (c: Buffer) => (received += c.length));
        res.on('end', resolve);
        res.on('error', reject);
      }).on('error', reject);
    });
    expect(received).toBe(chunk.length * total);
    expect(stats.falses).toBeGreaterThan(0);
    expect(stats.drains).toBeGreaterThanOrEqual(stats.falses);
  });

  test('a large request body streams in to the listener', async () => {
    const url = await wrap((req, res) => {
      let bytes = 0;
      let sum = 0;
      req.on('data', (c: Buffer) => {
        bytes += c.length;
        for (const b of c) sum = (sum + b) % 65521;
      });
      req.on('end', () => res.end(`${bytes}:${sum}`));
    });
    const body = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 255;
    let sum = 0;
    for (const b of body) sum = (sum + b) % 65521;
    const response = await fetch(url, { method: 'POST', body });
    expect(await response.text()).toBe(`${body.length}:${sum}`);
  });
});

describe('round trip', () => {
  /** Echoes the request in its response: status, headers (cookies twice) and body. */
  const echo: RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const value = req.headers['x-value'] ?? '';
      res.statusCode = Number(req.headers['x-status'] ?? 200);
      res.setHeader('X-Echo', value);
      res.setHeader('Set-Cookie', [`one=${encodeURIComponent(String(value))}`, 'two=2']);
      res.setHeader('X-Url', req.url ?? '');
      if (req.headers['x-stream']) {
        res.write(Buffer.concat(chunks));
        setImmediate(() => res.end('!'));
      } else {
        res.end(Buffer.concat(chunks));
      }
    });
  };

  let direct: Server;
  let directUrl: string;
  let wrappedUrl: string;
  beforeAll(async () => {
    direct = createServer(echo);
    await new Promise<void>((resolve) => direct.listen(0, '127.0.0.1', resolve));
    directUrl = `http://127.0.0.1:${(direct.address() as AddressInfo).port}`;
    wrappedUrl = await wrap(echo);
  });
  afterAll(async () => {
    direct.closeAllConnections();
    await new Promise((resolve) => direct.close(resolve));
  });

  const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
  async function answer(base: string, path: string, init: RequestInit): Promise<unknown> {
    const response = await fetch(base + path, init);
    const headers: string[] = [];
    response.headers.forEach((value, name) => {
      if (!TRANSPORT.has(name)) headers.push(`${name}: ${value}`);
    });
    return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()).toString('hex') };
  }

  test('toNodeListener(fromNodeListener(x)) answers as x does, byte for byte', async () => {
    const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
    const path = fc.array(fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{1,8}$/), { maxLength: 4 }).map(
      (parts) => '/' + parts.map((p) => p.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')).join('/'),
    );
    await fc.assert(
      fc.asyncProperty(
        headerValue,
        fc.uint8Array({ maxLength: 4096 }),
        fc.constantFrom(200, 201, 404, 500),
        fc.boolean(),
        path,
        async (value, body, status, stream, target) => {
          const init = (): RequestInit => ({
            method: 'POST',
            headers: { 'x-value': value, 'x-status': String(status), ...(stream ? { 'x-stream': '1' } : {}) },
            body,
          });
          const [expected, actual] = await Promise.all([answer(directUrl, target, init()), answer(wrappedUrl, target, init())]);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
