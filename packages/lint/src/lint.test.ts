import type { Application, Body, Environ, Middleware, StartResponse } from '@tsgi/core';
import { LintError, checkEnviron, lint } from '@tsgi/lint';
import { createEnviron, testClient } from '@tsgi/testing';
import fc from 'fast-check';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function env(method = 'GET', init: Parameters<typeof createEnviron>[2] = {}): Environ {
  return createEnviron(method, '/', init).environ;
}

/** A correct startResponse: remembers the status and rethrows a late excInfo. */
function strictStart(log: string[]): StartResponse {
  let sent = false;
  return (status, _headers, excInfo) => {
    if (excInfo !== undefined && sent) throw excInfo;
    log.push(status);
    return () => void (sent = true);
  };
}

describe('correct apps pass unchanged', () => {
  test('an array body stays an array, and its own close runs once', async () => {
    let closes = 0;
    const inner = Object.assign([bytes('a'), bytes('bc')], { close: () => void closes++ });
    const app: Application = (_e, start) => {
      start('200 OK', [['Content-Length', '3']]);
      return inner;
    };
    const body = (await lint(app)(env(), strictStart([]))) as Uint8Array[] & { close(): void };
    expect(Array.isArray(body)).toBe(true);
    expect(body.map(text)).toEqual(['a', 'bc']);
    body.close();
    expect(closes).toBe(1);
    // The app's own array was not touched: a constant body can be returned again.
    expect(inner.close).not.toBe(body.close);
  });

  test('the same constant array returned twice does not look closed twice', async () => {
    const BODY = [bytes('same')];
    const app: Application = (_e, start) => {
      start('200 OK', []);
      return BODY;
    };
    const client = testClient(app);
    expect((await client.get('/')).text).toBe('same');
    expect((await client.get('/')).text).toBe('same');
  });

  test('sync generators, async generators and write() all pass', async () => {
    const sync: Application = (_e, start) => {
      start('200 OK', [['Content-Length', '2']]);
      return (function* () {
        yield bytes('h');
        yield bytes('i');
      })();
    };
    const lazy: Application = (_e, start) =>
      (async function* () {
        yield new Uint8Array(0); // empty chunks may come before startResponse
        start('200 OK', []);
        yield bytes('hi');
      })();
    const writer: Application = (_e, start) => {
      const write = start('200 OK', [['Content-Length', '4']]);
      write(bytes('hi'));
      return [bytes('!!')];
    };
    for (const app of [sync, lazy, writer]) {
      const res = await testClient(app).get('/');
      expect(res.text.startsWith('hi')).toBe(true);
    }
  });

  test('extra properties of the body (a file fast path marker) stay visible', async () => {
    const body = Object.assign(
      (async function* () {
        yield bytes('x');
      })(),
      { 'tsgi.file': '/etc/hostname' },
    );
    const app: Application = (_e, start) => {
      start('200 OK', []);
      return body;
    };
    const linted = (await lint(app)(env(), strictStart([]))) as Body & { 'tsgi.file'?: string };
    expect(linted['tsgi.file']).toBe('/etc/hostname');
    expect(Symbol.asyncIterator in linted).toBe(true);
  });

  test('an app that returns a thenable (not a Promise) passes, as every gateway awaits it', async () => {
    const app = ((_e: Environ, start: StartResponse) => ({
      then(resolve: (body: Body) => void) {
        start('200 OK', []);
        resolve([bytes('later')]);
      },
    })) as unknown as Application;
    const res = await testClient(app).get('/');
    expect([res.status, res.text]).toEqual([200, 'later']);
  });

  test('excInfo before anything was sent replaces the status', async () => {
    const app: Application = (_e, start) =>
      (function* () {
        start('200 OK', []);
        yield new Uint8Array(0);
        start('500 Internal Server Error', [['Content-Type', 'text/plain']], new Error('boom'));
        yield bytes('failed');
      })();
    const res = await testClient(app).get('/');
    expect(res.status).toBe(500);
    expect(res.text).toBe('failed');
  });

  test('excInfo after the headers were sent is rethrown by a correct server', async () => {
    const boom = new Error('boom');
    const app: Application = (_e, start) =>
      (function* () {
        start('200 OK', []);
        yield bytes('partial');
        start('500 Internal Server Error', [], boom);
      })();
    await expect(testClient(app).get('/')).rejects.toBe(boom);
  });

  test('HEAD with a Content-Length passes; 204 and 304 pass without one and are refused with one', async () => {
    const app: Application = (environ, start) => {
      const code = environ.PATH_INFO.slice(1, 4);
      const headers: Array<[string, string]> = environ.PATH_INFO.endsWith('/length') ? [['Content-Length', '10']] : [['ETag', '"a"']];
      start(code === '304' ? '304 Not Modified' : code === '204' ? '204 No Content' : '200 OK', headers);
      return [];
    };
    const client = testClient(app);
    expect((await client.head('/200/length')).status).toBe(200);
    expect((await client.get('/304')).status).toBe(304);
    expect((await client.get('/204')).status).toBe(204);
    await expect(client.get('/304/length')).rejects.toMatchObject({ rule: 'headers.no-content' });
    await expect(client.get('/204/length')).rejects.toMatchObject({ rule: 'headers.no-content' });
    await expect(client.get('/200/length')).rejects.toMatchObject({ rule: 'body.content-length' });
  });

  test('a body on 205 Reset Content is flagged like one on 204, by array, iterator or write()', async () => {
    const apps: Application[] = [
      (_e, start) => {
        start('205 Reset Content', []);
        return [bytes('form')];
      },
      (_e, start) =>
        (function* () {
          start('205 Reset Content', []);
          yield bytes('form');
        })(),
      (_e, start) => {
        start('205 Reset Content', [])(bytes('form'));
        return [];
      },
    ];
    for (const app of apps) {
      await expect(testClient(app).get('/')).rejects.toMatchObject({ rule: 'body.no-content', message: expect.stringContaining('205 Reset Content') });
    }
    // Without content it passes; a Content-Length on it is refused (headers.no-content).
    const empty: Application = (_e, start) => {
      start('205 Reset Content', []);
      return [];
    };
    expect((await testClient(empty).get('/')).status).toBe(205);
    const declared: Application = (_e, start) => {
      start('205 Reset Content', [['Content-Length', '4']]);
      return [];
    };
    await expect(testClient(declared).get('/')).rejects.toMatchObject({ rule: 'headers.no-content' });
  });

  test('reading wsgi.input every way within CONTENT_LENGTH passes', async () => {
    const app: Application = async (environ, start) => {
      const input = environ['wsgi.input'];
      const first = await input.readline();
      const two = await input.read(2);
      const rest = await input.readlines();
      const end = await input.read();
      start('200 OK', []);
      return [first, two, ...rest, end];
    };
    const res = await testClient(app).post('/', { body: 'line1\nabline2\nline3' });
    expect(res.text).toBe('line1\nabline2\nline3');
  });

  test('any environ the test client builds passes checkEnviron (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PROPFIND'),
        fc.webPath(),
        fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.stringMatching(/^[\x20-\x7e]{0,20}$/)),
        (method, path, headers) => {
          checkEnviron(createEnviron(method, path.startsWith('/') ? path : '/' + path, { headers }).environ);
        },
      ),
    );
  });
});

test('any correct app gives the same bytes with and without lint (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 30 }), { maxLength: 6 }),
      fc.constantFrom('array', 'sync', 'async', 'write'),
      fc.boolean(),
      async (chunks, kind, withLength) => {
        const total = chunks.reduce((n, c) => n + c.byteLength, 0);
        const app: Application = (_e, start) => {
          const headers: Array<[string, string]> = withLength ? [['Content-Length', String(total)]] : [];
          if (kind === 'async') {
            return (async function* () {
              start('200 OK', headers);
              yield* chunks;
            })();
          }
          const write = start('200 OK', headers);
          if (kind === 'write') {
            for (const chunk of chunks) write(chunk);
            return [];
          }
          return kind === 'array' ? chunks : chunks.values();
        };
        const linted = await testClient(app).get('/');
        const plain = await testClient(app, { lint: false }).get('/');
        expect(Buffer.from(linted.body).equals(Buffer.concat(chunks))).toBe(true);
        expect(Buffer.from(plain.body).equals(Buffer.from(linted.body))).toBe(true);
        expect(linted.headers).toEqual(plain.headers);
      },
    ),
    { numRuns: 100 },
  );
});

test('input.past-end also catches data after the stream reported end of file', async () => {
  let calls = 0;
  const input = {
    read: async () => (calls++ === 0 ? new Uint8Array(0) : new Uint8Array([1])),
    readline: async () => new Uint8Array(0),
    readlines: async () => [],
    async *[Symbol.asyncIterator]() {},
  };
  const app: Application = async (environ, start) => {
    await environ['wsgi.input'].read();
    await environ['wsgi.input'].read();
    start('200 OK', []);
    return [];
  };
  await expect(testClient(app, { environ: { 'wsgi.input': input } }).get('/')).rejects.toMatchObject({
    rule: 'input.past-end',
  });
});

describe('block boundaries between two lint layers', () => {
  const streamed: Application = (_e, start) => {
    start('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      for (const part of ['a', 'b', 'c']) yield bytes(part);
    })();
  };

  test('a middleware that answers each chunk it pulls (even with an empty one) passes', async () => {
    const upper: Middleware = (app) => async (environ, start) => {
      const inner = (await app(environ, start)) as AsyncIterable<Uint8Array>;
      return (async function* () {
        for await (const chunk of inner) {
          yield new Uint8Array(0); // holds the bytes back one step, but answers
          yield chunk;
        }
      })();
    };
    expect((await testClient(upper(lint(streamed))).get('/')).text).toBe('abc');
  });

  test('peeking at the first chunk before returning (a threshold) passes', async () => {
    const peek: Middleware = (app) => async (environ, start) => {
      const iterator = ((await app(environ, start)) as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      const first = await iterator.next();
      return (async function* () {
        if (!first.done) yield first.value;
        for await (const chunk of { [Symbol.asyncIterator]: () => iterator }) yield chunk;
      })();
    };
    expect((await testClient(peek(lint(streamed))).get('/')).text).toBe('abc');
  });

  test('pulling two chunks between yields fails, naming the rule', async () => {
    const pairs: Middleware = (app) => async (environ, start) => {
      const iterator = ((await app(environ, start)) as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      return (async function* () {
        for (;;) {
          const a = await iterator.next();
          if (a.done) return;
          const b = await iterator.next();
          yield b.done ? a.value : new Uint8Array([...a.value, ...b.value]);
          if (b.done) return;
        }
      })();
    };
    await expect(testClient(pairs(lint(streamed))).get('/')).rejects.toMatchObject({ rule: 'body.block-boundaries' });
  });

  test('sibling apps under one layer (a cascade) are each checked against that layer', async () => {
    const notFound: Application = (_e, start) => {
      start('404 Not Found', []);
      return [];
    };
    const cascade: Application = async (environ, start) => {
      const first = await lint(notFound)(environ, () => () => {});
      await first.close?.();
      return lint(streamed)(environ, start);
    };
    expect((await testClient(cascade).get('/')).text).toBe('abc');
  });
});

describe('startResponse is called once', () => {
  test('a second call after a refused first call is still a second call', async () => {
    const retry: Application = (_e, start) => {
      try {
        start('200', []);
      } catch {
        // PEP 3333: a fatal error; retrying without excInfo is not allowed
      }
      start('200 OK', []);
      return [];
    };
    await expect(testClient(retry).get('/')).rejects.toMatchObject({ rule: 'start-response.twice' });
  });

  test('continuing an iteration through the iterator itself is not iterating twice', async () => {
    const app = lint((_e, start) => {
      start('200 OK', []);
      return (function* () {
        yield bytes('a');
        yield bytes('b');
      })();
    });
    const body = (await app(env(), () => () => {})) as Iterable<Uint8Array>;
    const iterator = body[Symbol.iterator]();
    const seen = [text(iterator.next().value as Uint8Array)];
    for (const chunk of iterator as unknown as Iterable<Uint8Array>) seen.push(text(chunk));
    expect(seen).toEqual(['a', 'b']);
  });
});

describe('lint itself', () => {
  test('bad arguments and options throw TypeErrors naming them', () => {
    expect(() => lint('app' as unknown as Application)).toThrow(/app must be an application function/);
    expect(() => lint(() => [], { closeTimeout: -1 })).toThrow(/closeTimeout/);
    expect(() => lint(() => [], { onLateError: 1 as never })).toThrow(/onLateError/);
  });

  test('a LintError carries its rule, side and a message naming the PEP', () => {
    const error = new LintError('status.format', 'status is "200"');
    expect(error.name).toBe('LintError');
    expect(error.rule).toBe('status.format');
    expect(error.side).toBe('app');
    expect(error.message).toContain('PEP 3333: "The status argument');
  });

  test('a late close-missing goes to the server\'s wsgi.errors by default', async () => {
    const environ = env();
    const serverErrors = environ['wsgi.errors'] as unknown as { text: string };
    const app: Application = (_e, start) =>
      (function* () {
        start('200 OK', []);
        yield bytes('x');
      })();
    const body = (await lint(app, { closeTimeout: 1 })(environ, strictStart([]))) as Iterable<Uint8Array>;
    for (const chunk of body) void chunk;
    await new Promise((r) => setTimeout(r, 30));
    expect(serverErrors.text).toContain('[body.close-missing]');
  });

  test('a close() in time cancels the close-missing watch', async () => {
    const reports: LintError[] = [];
    const app: Application = (_e, start) =>
      (function* () {
        start('200 OK', []);
        yield bytes('x');
      })();
    const body = (await lint(app, { closeTimeout: 5, onLateError: (e) => void reports.push(e) })(
      env(),
      strictStart([]),
    )) as Body;
    for (const chunk of body as Iterable<Uint8Array>) void chunk;
    await body.close!();
    await new Promise((r) => setTimeout(r, 30));
    expect(reports).toEqual([]);
  });

  test('stopping early (return()) is not a short body', async () => {
    let finished = false;
    const app: Application = (_e, start) =>
      (async function* () {
        start('200 OK', [['Content-Length', '100']]);
        try {
          for (;;) yield bytes('0123456789');
        } finally {
          finished = true;
        }
      })();
    const res = await testClient(app, { maxResponseBytes: 25 }).get('/');
    expect(res.truncated).toBe(true);
    expect(res.body.byteLength).toBe(25);
    expect(finished).toBe(true);
  });
});

describe('the WebSocket extension', () => {
  const accepting: Application = (environ, startResponse) => {
    environ['tsgi.websocket']!.accept({ message: (ws, data) => void ws.send(data) });
    startResponse('101 Switching Protocols', []);
    return [];
  };

  test('an accepted 101 with an empty body passes lint, and the connection works', async () => {
    const ws = await testClient(accepting).websocket('/');
    ws.send('ping');
    expect(await ws.next()).toBe('ping');
  });

  test('body bytes on an accepted 101 are body.no-content', async () => {
    const bytesOn101: Application = (environ, startResponse) => {
      environ['tsgi.websocket']!.accept({});
      startResponse('101 Switching Protocols', []);
      return [new TextEncoder().encode('no')];
    };
    await expect(testClient(bytesOn101).websocket('/')).rejects.toMatchObject({ rule: 'body.no-content' });
  });

  test('a refusal after accept() is a normal response', async () => {
    const refusing: Application = (environ, startResponse) => {
      environ['tsgi.websocket']!.accept({});
      startResponse('403 Forbidden', [['Content-Type', 'text/plain']]);
      return [new TextEncoder().encode('no\n')];
    };
    await expect(testClient(refusing).websocket('/')).rejects.toMatchObject({ status: 403 });
  });
});
