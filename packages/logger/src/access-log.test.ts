import { basicAuth } from '@tsgi/auth';
import { compose, type Application, type Body, type Environ, type StartResponse } from '@tsgi/core';
import { requestId } from '@tsgi/request-id';
import { testClient } from '@tsgi/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessLog, type AccessLogOptions } from './access-log.js';
import { HOSTILE } from '../../core/test/hostile-values.js';

const T = Date.UTC(2000, 9, 10, 20, 55, 36);
const TIME = '[10/Oct/2000:13:55:36 -0700]';
const enc = (text: string): Uint8Array => Buffer.from(text);

/** A logger writing to a recorder, with the clock and zone pinned. */
function setup(options: AccessLogOptions = {}): { logger: ReturnType<typeof accessLog>; lines(): string[] } {
  let text = '';
  const logger = accessLog({ now: () => T, utcOffset: -420, stream: { write: (t: string) => void (text += t) }, ...options });
  return {
    logger,
    lines() {
      logger.flush();
      return text === '' ? [] : text.slice(0, -1).split('\n');
    },
  };
}

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [enc('Hello, '), enc('world')];
};

async function* streamed(parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield enc(part);
}

describe('accessLog: lines', () => {
  it('writes the combined line byte for byte for a normal request', async () => {
    const { logger, lines } = setup();
    const res = await testClient(logger(hello)).get('/a%20b/c?x=1&y="2"', {
      headers: { 'User-Agent': 'curl/8.0', Referer: 'http://example.com/' },
    });
    expect(res.text).toBe('Hello, world');
    expect(lines()).toEqual([
      `127.0.0.1 - - ${TIME} "GET /a%20b/c?x=1&y=\\"2\\" HTTP/1.1" 200 12 "http://example.com/" "curl/8.0"`,
    ]);
  });

  it('writes the common line, with - for no body bytes and no user', async () => {
    const { logger, lines } = setup({ format: 'common' });
    const app: Application = (_e, startResponse) => {
      startResponse('204 No Content', []);
      return [];
    };
    await testClient(logger(app)).delete('/item/7');
    expect(lines()).toEqual([`127.0.0.1 - - ${TIME} "DELETE /item/7 HTTP/1.1" 204 -`]);
  });

  it('shows the REMOTE_USER that auth, below it, sets during the request', async () => {
    const { logger, lines } = setup({ format: 'common' });
    const app = logger(basicAuth({ users: { alice: 's3cret' } })(hello));
    const client = testClient(app);
    await client.get('/private', { headers: { Authorization: 'Basic ' + Buffer.from('alice:s3cret').toString('base64') } });
    const refused = await client.get('/private');
    expect(refused.status).toBe(401);
    const [ok, no] = lines();
    expect(ok).toBe(`127.0.0.1 - alice ${TIME} "GET /private HTTP/1.1" 200 12`);
    expect(no).toMatch(new RegExp(`^127\\.0\\.0\\.1 - - \\[[^\\]]+\\] "GET /private HTTP/1\\.1" 401 \\d+$`));
  });

  it('counts streamed chunks and write() bytes, and HEAD as no bytes', async () => {
    const { logger, lines } = setup({ format: 'common' });
    const app: Application = (environ, startResponse) => {
      const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
      if (environ.PATH_INFO === '/write') write(enc('1234'));
      return streamed(['abc', '', 'defgh']);
    };
    const client = testClient(logger(app));
    await client.get('/write');
    await client.get('/stream');
    await client.head('/stream');
    expect(lines().map((l) => l.split('"')[2])).toEqual([' 200 12', ' 200 8', ' 200 -']);
  });

  it('writes JSON lines carrying every field', async () => {
    const { logger, lines } = setup({ format: 'json' });
    const slow: Application = async (_e, startResponse) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      startResponse('201 Created', [['Content-Type', 'text/plain']]);
      return [enc('made')];
    };
    await testClient(logger(slow), { environ: { REMOTE_USER: 'bob' } }).post('/things?tag=a%20b', {
      // A client's UTF-8 bytes arrive as a native string (one char a byte), as on a socket.
      headers: { 'User-Agent': 'ua\u2028x', 'X-Request-Id': 'req-42' },
    });
    const line = lines()[0]!;
    expect(line).not.toMatch(/[\u2028\u2029\n]/);
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({
      time: '2000-10-10T20:55:36.000Z',
      method: 'POST',
      path: '/things',
      query: 'tag=a%20b',
      protocol: 'HTTP/1.1',
      status: 201,
      bytes: 4,
      remoteAddr: '127.0.0.1',
      user: 'bob',
      userAgent: 'ua\u00e2\u0080\u00a8x',
      referer: null,
      requestId: 'req-42',
      outcome: 'ok',
    });
    expect(parsed.duration).toBeGreaterThanOrEqual(25);
    expect(parsed.duration).toBeLessThan(2000);
  });

  it('passes a custom format the info, writes its line once, kept to one line', async () => {
    const { logger, lines } = setup({
      format: (info) => (info.path === '/quiet' ? '' : `${info.method} ${info.path} ${info.status} ${info.outcome} ${info.userAgent}\n`),
    });
    const client = testClient(logger(hello));
    await client.get('/quiet');
    await client.get('/loud', { headers: { 'User-Agent': 'evil\x1b[2J' } });
    expect(lines()).toEqual(['GET /loud 200 ok evil\\x1b[2J']);
  });

  it('skip(environ, status) drops lines', async () => {
    const seen: Array<[string, number]> = [];
    const { logger, lines } = setup({
      format: 'common',
      skip: (environ, status) => {
        seen.push([environ.PATH_INFO, status]);
        return status < 400;
      },
    });
    const app: Application = (environ, startResponse) => {
      startResponse(environ.PATH_INFO === '/missing' ? '404 Not Found' : '200 OK', []);
      return [];
    };
    const client = testClient(logger(app));
    await client.get('/ok');
    await client.get('/missing');
    expect(seen).toEqual([['/ok', 200], ['/missing', 404]]);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toContain('"GET /missing HTTP/1.1" 404 -');
  });

  it("writes to the request's wsgi.errors by default", async () => {
    const logger = accessLog({ format: 'common' });
    const writes: string[] = [];
    const errors = { write: (t: string) => void writes.push(t), writelines: () => undefined, flush: () => undefined };
    // lint wraps wsgi.errors per request; the gateway shares one, which is what batches.
    const client = testClient(logger(hello), { lint: false, environ: { 'wsgi.errors': errors } });
    await client.get('/to-errors');
    await client.get('/to-errors');
    expect(writes).toEqual([]); // batched: nothing yet in this turn of the event loop
    logger.flush();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^(127\.0\.0\.1 - - \[[^\]]+\] "GET \/to-errors HTTP\/1\.1" 200 12\n){2}$/);
  });
});

describe('accessLog: requests that did not complete', () => {
  it('logs a client that went away mid-body with the status sent and the bytes that passed', async () => {
    const { logger, lines } = setup({ format: 'common' });
    let finallyRan = false;
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', []);
      return (async function* () {
        try {
          for (let i = 0; i < 100; i++) yield enc('0123456789');
        } finally {
          finallyRan = true;
        }
      })();
    };
    const res = await testClient(logger(app), { maxResponseBytes: 25 }).get('/big');
    expect(res.truncated).toBe(true);
    expect(finallyRan).toBe(true);
    expect(lines()).toEqual([`127.0.0.1 - - ${TIME} "GET /big HTTP/1.1" 200 30`]);
  });

  it('logs an app that fails mid-stream as error, with the status already sent', async () => {
    const { logger, lines } = setup({ format: 'json' });
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', []);
      return (function* () {
        yield enc('partial');
        throw new Error('disk on fire');
      })();
    };
    await expect(testClient(logger(app)).get('/x')).rejects.toThrow('disk on fire');
    expect(JSON.parse(lines()[0]!)).toMatchObject({ status: 200, bytes: 7, outcome: 'error', error: 'Error: disk on fire' });
  });

  it.each(HOSTILE)('logs an app that throws %s as error, the value described', async (_name, make) => {
    const { logger, lines } = setup({ format: 'json' });
    const app: Application = () => {
      throw make();
    };
    expect((await testClient(logger(app), { catchErrors: true }).get('/x')).status).toBe(500);
    const line = JSON.parse(lines()[0]!) as { outcome: string; error: unknown };
    expect(line.outcome).toBe('error');
    expect(typeof line.error === 'string' && line.error !== '').toBe(true);
  });

  it('logs a failure before any byte as the 500 the gateway sends, strict CLF', async () => {
    const { logger, lines } = setup({ format: 'common' });
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', []);
      // An async iterable whose first pull fails.
      return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('early')) }) };
    };
    const res = await testClient(logger(app), { catchErrors: true }).get('/x');
    expect(res.status).toBe(500);
    expect(lines()).toEqual([`127.0.0.1 - - ${TIME} "GET /x HTTP/1.1" 500 -`]);
  });

  it('logs the status the client got when the app restarts its response too late (excInfo after bytes went out)', async () => {
    const { logger, lines } = setup({ format: 'json' });
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        yield enc('partial');
        // PEP 3333: the gateway rethrows excInfo, the 200 already went out.
        startResponse('500 Internal Server Error', [], new Error('late'));
      })();
    };
    await expect(testClient(logger(app)).get('/x')).rejects.toThrow('late');
    expect(JSON.parse(lines()[0]!)).toMatchObject({ status: 200, bytes: 7, outcome: 'error', error: 'Error: late' });
  });

  it('logs the app status after an empty write() (it sent the status), the 500 after nothing went out', async () => {
    const { logger, lines } = setup({ format: 'common' });
    const app: Application = (environ, startResponse) => {
      const write = startResponse('202 Accepted', [['Content-Type', 'text/plain']]);
      if (environ.PATH_INFO === '/wrote') write(new Uint8Array(0));
      // An iterable whose first step fails.
      return { [Symbol.iterator]: () => ({ next: () => { throw new Error('nothing to send'); } }) };
    };
    const client = testClient(logger(app), { catchErrors: true });
    await client.get('/wrote').catch(() => undefined);
    await client.get('/none');
    expect(lines().map((l) => l.split('"')[2])).toEqual([' 202 -', ' 500 -']);
  });

  it('logs an array body with a chunk that is not bytes as the error the gateway answers with 500', async () => {
    const { logger, lines } = setup({ format: 'json' });
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', []);
      return [enc('ok'), 'text' as unknown as Uint8Array];
    };
    // unlinted: the broken chunk is what is tested.
    expect((await testClient(logger(app), { lint: false, catchErrors: true }).get('/x')).status).toBe(500);
    expect(JSON.parse(lines()[0]!)).toMatchObject({ status: 500, bytes: 0, outcome: 'error', error: expect.stringMatching(/must be Uint8Array, got a string/) });
  });

  it('logs an app that throws, or rejects, before returning a body', async () => {
    const { logger, lines } = setup({ format: 'common' });
    const sync: Application = () => {
      throw new Error('sync boom');
    };
    const async: Application = async () => {
      throw new Error('async boom');
    };
    await expect(testClient(logger(sync)).get('/s')).rejects.toThrow('sync boom');
    await expect(testClient(logger(async)).get('/a')).rejects.toThrow('async boom');
    expect(lines()).toEqual([
      `127.0.0.1 - - ${TIME} "GET /s HTTP/1.1" 500 -`,
      `127.0.0.1 - - ${TIME} "GET /a HTTP/1.1" 500 -`,
    ]);
  });
});

describe('accessLog: request ids', () => {
  it('reuses a valid incoming id, in the environ and the response', async () => {
    const { logger, lines } = setup({ format: (i) => i.requestId });
    const res = await testClient(logger(hello)).get('/', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(res.environ['tsgi.request_id']).toBe('abc-123');
    expect(res.header('x-request-id')).toBe('abc-123');
    expect(lines()).toEqual(['abc-123']);
  });

  it('replaces an invalid or overlong one with a fresh id', async () => {
    const { logger } = setup();
    const client = testClient(logger(hello));
    const bad = await client.get('/', { headers: { 'X-Request-Id': 'has space' } });
    const long = await client.get('/', { headers: { 'X-Request-Id': 'a'.repeat(201) } });
    const none = await client.get('/');
    const ids = [bad, long, none].map((r) => r.header('x-request-id'));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{12}-[0-9a-z]+$/);
    expect(bad.environ['tsgi.request_id']).toBe(ids[0]);
  });

  it("leaves the app's own id header, uses a custom header name and generator, or none", async () => {
    const own: Application = (_e, startResponse) => {
      startResponse('200 OK', [['x-request-id', 'from-app']]);
      return [];
    };
    const res = await testClient(setup().logger(own)).get('/');
    expect(res.headerValues('X-Request-Id')).toEqual(['from-app']);

    const custom = setup({ requestIdHeader: 'X-Trace', generateRequestId: () => 'fixed' }).logger(hello);
    const traced = await testClient(custom).get('/');
    expect(traced.header('x-trace')).toBe('fixed');
    expect(traced.header('x-request-id')).toBeUndefined();

    const off = await testClient(setup({ requestIdHeader: false }).logger(hello)).get('/');
    expect(off.header('x-request-id')).toBeUndefined();
    expect(off.environ['tsgi.request_id']).toBeUndefined();
  });

  describe('with requestId() from @tsgi/request-id', () => {
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

    it('outside: logs its id and makes none of its own', async () => {
      const { logger, lines } = setup({ format: (i) => i.requestId, generateRequestId: () => 'logger-made' });
      const res = await testClient(compose(requestId(), logger)(hello)).get('/');
      expect(res.headerValues('x-request-id')).toEqual([expect.stringMatching(UUID)]);
      expect(lines()).toEqual([res.header('x-request-id')]);
    });

    it("outside with responseHeader: false: the logger adds no header of its own (the choice is requestId()'s)", async () => {
      const { logger, lines } = setup({ format: (i) => i.requestId });
      const res = await testClient(compose(requestId({ responseHeader: false }), logger)(hello)).get('/');
      expect(res.header('x-request-id')).toBeUndefined();
      expect(lines()).toEqual([expect.stringMatching(UUID)]);
      expect(lines()[0]).toBe(res.environ['tsgi.request_id']);
    });

    it('inside: the line carries the id the client got, not the one the logger made first', async () => {
      const { logger, lines } = setup({ format: (i) => i.requestId, generateRequestId: () => 'logger-made' });
      const res = await testClient(compose(logger, requestId({ header: 'X-Correlation-Id' }))(hello)).get('/', {
        headers: { 'X-Correlation-Id': 'corr-7' },
      });
      expect(res.header('x-correlation-id')).toBe('corr-7');
      expect(lines()).toEqual(['corr-7']);
    });
  });

  it('does not grow a header list the app reuses for every request', async () => {
    const HEADERS: Array<[string, string]> = [['Content-Type', 'text/plain']];
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', HEADERS);
      return [];
    };
    const client = testClient(setup().logger(app));
    await client.get('/');
    await client.get('/');
    expect(HEADERS).toHaveLength(1);
  });
});

describe('accessLog: the body it returns', () => {
  // Straight calls, no lint in between, to see exactly what the logger hands up.
  const environ = (): Environ =>
    ({ REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: '/', QUERY_STRING: '', SERVER_PROTOCOL: 'HTTP/1.1' }) as Environ;
  const start: StartResponse = () => () => undefined;

  it('returns an array body as an array of the same chunks, and closes the inner body once', async () => {
    const { logger, lines } = setup({ format: 'common' });
    const chunks = [enc('ab'), enc('c')];
    let closes = 0;
    const body = Object.assign(chunks, { close: () => void closes++ });
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', []);
      return body;
    };
    const returned = (await logger(app)(environ(), start)) as Body;
    expect(Array.isArray(returned)).toBe(true);
    expect((returned as Uint8Array[])[0]).toBe(chunks[0]);
    expect((returned as Uint8Array[])[1]).toBe(chunks[1]);
    await returned.close!();
    await returned.close!();
    expect(closes).toBe(1);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatch(/ 200 3$/);
  });

  it('keeps a sync app sync and a sync iterable sync', () => {
    const { logger } = setup();
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', []);
      return new Set([enc('x')]);
    };
    const returned = logger(app)(environ(), start) as Body;
    expect(returned).not.toBeInstanceOf(Promise);
    expect(Symbol.iterator in returned).toBe(true);
    expect(Symbol.asyncIterator in returned).toBe(false);
    expect([...(returned as Iterable<Uint8Array>)]).toEqual([enc('x')]);
  });

  it('leaves a wsgi.file_wrapper body as it is and logs the file size', async () => {
    const { logger, lines } = setup({ format: 'common' });
    const file = join(mkdtempSync(join(tmpdir(), 'tsgi-logger-')), 'f.txt');
    writeFileSync(file, 'x'.repeat(1234));
    let closed = 0;
    // The shape @tsgi/server's wsgi.file_wrapper gives: tagged, with the file it sends.
    const fileBody: Body = {
      file,
      close: () => void closed++,
      [Symbol.asyncIterator]: (): AsyncIterator<Uint8Array> => ({ next: async () => ({ done: true, value: undefined }) }),
    } as Body;
    (fileBody as unknown as Record<symbol, unknown>)[Symbol.for('tsgi.file_wrapper')] = true;
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', []);
      return fileBody;
    };
    const returned = (await logger(app)(environ(), start)) as Body;
    expect(returned).toBe(fileBody);
    await returned.close!();
    expect(closed).toBe(1);
    expect(lines()[0]).toMatch(/ 200 1234$/);
  });
});

describe('accessLog: options', () => {
  it('throws a TypeError naming a bad option', () => {
    expect(() => accessLog({ format: 'apache' as never })).toThrow(/option format/);
    expect(() => accessLog({ stream: {} as never })).toThrow(/option stream/);
    expect(() => accessLog({ skip: 1 as never })).toThrow(/option skip/);
    expect(() => accessLog({ now: 'now' as never })).toThrow(/option now/);
    expect(() => accessLog({ utcOffset: 1.5 })).toThrow(/option utcOffset/);
    expect(() => accessLog({ requestIdHeader: 'Bad Header' })).toThrow(/option requestIdHeader/);
    expect(() => accessLog({ flushInterval: -1 })).toThrow(/option flushInterval/);
    expect(() => accessLog({ maxBuffer: 0 })).toThrow(/option maxBuffer/);
    expect(() => accessLog({ generateRequestId: 'x' as never })).toThrow(/option generateRequestId/);
  });

  it('accepts a clock that returns a Date', async () => {
    const { logger, lines } = setup({ format: 'common', now: () => new Date(T) });
    await testClient(logger(hello)).get('/');
    expect(lines()[0]).toContain(TIME);
  });

  it('holds lines 10 ms by default and writes what gathered meanwhile in one write', () => {
    jest.useFakeTimers();
    try {
      const writes: string[] = [];
      const logger = accessLog({ format: 'common', stream: { write: (text: string) => void writes.push(text) } });
      const app = logger(hello);
      const request = (path: string): void => {
        const environ = { REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: path, QUERY_STRING: '', SERVER_PROTOCOL: 'HTTP/1.1' };
        void (app(environ as Environ, () => () => undefined) as Body).close?.();
      };
      request('/a');
      jest.advanceTimersByTime(5);
      request('/b');
      jest.advanceTimersByTime(4);
      expect(writes).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(writes).toHaveLength(1);
      expect(writes[0]!.match(/"GET \/[ab] HTTP\/1\.1"/g)).toEqual(['"GET /a HTTP/1.1"', '"GET /b HTTP/1.1"']);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('thenables (core isPromise: what the gateway awaits, the access log awaits)', () => {
  test('an app that returns a thenable, not a Promise, is logged with its status and bytes', async () => {
    const { logger, lines } = setup({ format: 'common' });
    const app: Application = (_environ, startResponse) =>
      ({
        then(resolve: (body: Body) => void) {
          startResponse('201 Created', [['Content-Type', 'text/plain']]);
          resolve([enc('later')]);
        },
      }) as unknown as Body;
    // unlinted: lint() is not what is tested; the gateway awaits any thenable.
    const res = await testClient(logger(app), { lint: false }).get('/t');
    expect(res.text).toBe('later');
    expect(lines()[0]).toContain('"GET /t HTTP/1.1" 201 5');
  });

  test('a body whose close() returns a thenable: the line is written once it settles', async () => {
    const { logger, lines } = setup({ format: 'common' });
    let settle: () => void = () => undefined;
    const thenable = { then: (resolve: () => void) => void (settle = resolve) };
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return Object.assign(streamed(['a', 'b']), { close: () => thenable as unknown as Promise<void> });
    };
    const done = testClient(logger(app), { lint: false }).get('/c');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines()).toEqual([]);
    settle();
    const res = await done;
    expect(res.text).toBe('ab');
    expect(lines()[0]).toContain('"GET /c HTTP/1.1" 200 2');
  });
});

test('a body with both iterators is walked as every gateway walks it (async first, core isAsyncBody), with the log or without', async () => {
  const walked: string[] = [];
  const body = (): Body => ({
    *[Symbol.iterator]() {
      walked.push('sync');
      yield enc('s');
    },
    async *[Symbol.asyncIterator]() {
      walked.push('async');
      yield enc('a');
    },
  });
  const app: Application = (_environ, startResponse) => (startResponse('200 OK', [['Content-Type', 'text/plain']]), body());
  const { logger } = setup();
  const bare = await testClient(app).get('/');
  const logged = await testClient(logger(app)).get('/');
  expect([bare.text, logged.text]).toEqual(['a', 'a']);
  expect(walked).toEqual(['async', 'async']);
});
