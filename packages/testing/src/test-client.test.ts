import type { Application, Body } from '@tsgi/core';
import { LintError } from '@tsgi/lint';
import { testClient } from '@tsgi/testing';
import { HOSTILE } from '../../core/test/hostile-values.js';

const bytes = (s: string) => new TextEncoder().encode(s);

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']]);
  return [bytes('hello')];
};

test('a correct array app answers through lint, closed once', async () => {
  const res = await testClient(hello).get('/');
  expect(res.status).toBe(200);
  expect(res.statusLine).toBe('200 OK');
  expect(res.text).toBe('hello');
  expect(res.header('content-type')).toBe('text/plain');
  expect(res.headerValues('Content-Type')).toEqual(['text/plain']);
  expect(res.closeCalls).toBe(1);
  expect(res.truncated).toBe(false);
});

test('an async generator app streams, and its finally runs', async () => {
  let finished = false;
  const app: Application = () =>
    (async function* () {
      try {
        yield bytes('');
        // Lazy startResponse, inside the first iteration, as PEP 3333 allows.
        yield bytes('a');
      } finally {
        finished = true;
      }
    })();
  const lazy: Application = (environ, startResponse) => {
    const inner = app(environ, startResponse) as AsyncGenerator<Uint8Array>;
    return (async function* () {
      startResponse('201 Created', []);
      yield* inner;
    })();
  };
  const res = await testClient(lazy).post('/x');
  expect(res.status).toBe(201);
  expect(res.text).toBe('a');
  expect(finished).toBe(true);
});

test('a hop-by-hop header rejects with a LintError', async () => {
  const app: Application = (_e, startResponse) => {
    startResponse('200 OK', [['Connection', 'close']]);
    return [];
  };
  await expect(testClient(app).get('/')).rejects.toThrow(LintError);
  await expect(testClient(app).get('/')).rejects.toMatchObject({ rule: 'headers.hop-by-hop' });
});

test('close() is called once when the body is an iterable with close', async () => {
  let closes = 0;
  const app: Application = (_e, startResponse) => {
    startResponse('200 OK', []);
    const body: Body = Object.assign(new Set([bytes('x')]), { close: () => void closes++ });
    return body;
  };
  const res = await testClient(app).get('/');
  expect(res.text).toBe('x');
  expect(closes).toBe(1);
});

describe('like the gateway', () => {
  test('HEAD closes the body without iterating it', async () => {
    let pulled = 0;
    let closes = 0;
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', [['Content-Length', '1']]);
      const body = (function* () {
        pulled++;
        yield bytes('x');
      })();
      return Object.assign(body, { close: () => void closes++ });
    };
    const res = await testClient(app).head('/');
    expect(res.status).toBe(200);
    expect(res.body.byteLength).toBe(0);
    expect(pulled).toBe(0);
    expect(closes).toBe(1);
  });

  test('HEAD pulls a lazy generator only until startResponse was called', async () => {
    let pulled = 0;
    const app: Application = (_e, startResponse) =>
      (async function* () {
        startResponse('200 OK', []);
        pulled++;
        yield bytes('first');
        pulled++;
        yield bytes('second');
      })();
    const res = await testClient(app).head('/');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(pulled).toBe(1);
  });

  test('maxResponseBytes stops the iteration, ends the iterator and sets truncated', async () => {
    let finished = false;
    const app: Application = (_e, startResponse) =>
      (async function* () {
        startResponse('200 OK', []);
        try {
          for (;;) yield bytes('abcd');
        } finally {
          finished = true;
        }
      })();
    const res = await testClient(app, { maxResponseBytes: 10 }).get('/');
    expect(res.text).toBe('abcdabcdab');
    expect(res.truncated).toBe(true);
    expect(finished).toBe(true);
    expect(res.closeCalls).toBe(1);
  });

  test('maxBodyBytes, the old name of maxResponseBytes, still cuts the body for one minor', async () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', []);
      return [bytes('abcdef')];
    };
    const res = await testClient(app, { maxBodyBytes: 4 }).get('/');
    expect(res.text).toBe('abcd');
    expect(res.truncated).toBe(true);
    expect((await testClient(app, { maxBodyBytes: 4, maxResponseBytes: 5 }).get('/')).text).toBe('abcde');
  });

  test('write() chunks come before the returned body', async () => {
    const app: Application = (_e, startResponse) => {
      const write = startResponse('200 OK', []);
      write(bytes('one,'));
      return [bytes('two')];
    };
    expect((await testClient(app).get('/')).text).toBe('one,two');
  });

  test('an error before startResponse rejects with that error and the body is not left open', async () => {
    const boom = new Error('boom');
    const app: Application = () => {
      throw boom;
    };
    await expect(testClient(app).get('/')).rejects.toBe(boom);
  });

  test('catchErrors turns an error before any byte into a 500 and logs it to wsgi.errors', async () => {
    let closes = 0;
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', []);
      const body = (function* () {
        yield new Uint8Array(0);
        throw new Error('database down');
      })();
      return Object.assign(body, { close: () => void closes++ });
    };
    const client = testClient(app, { catchErrors: true });
    const res = await client.get('/');
    expect(res.status).toBe(500);
    expect(res.text).toBe('Internal Server Error\n');
    expect(res.header('content-length')).toBe('22');
    expect(res.errors).toContain('database down');
    expect(client.errors).toContain('database down');
    expect(closes).toBe(1);
  });

  test('an error after bytes were sent rejects even with catchErrors', async () => {
    const app: Application = (_e, startResponse) =>
      (function* () {
        startResponse('200 OK', []);
        yield bytes('partial');
        throw new Error('late');
      })();
    await expect(testClient(app, { catchErrors: true }).get('/')).rejects.toThrow('late');
  });

  test('a LintError is never turned into a 500', async () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200', []);
      return [];
    };
    await expect(testClient(app, { catchErrors: true }).get('/')).rejects.toBeInstanceOf(LintError);
  });

  test('an app that does not finish within timeout rejects with a clear error', async () => {
    const app: Application = (_e, startResponse) =>
      (async function* () {
        startResponse('200 OK', []);
        yield bytes('x');
        await new Promise((r) => setTimeout(r, 1000));
      })();
    const started = Date.now();
    await expect(testClient(app, { timeout: 50 }).get('/slow')).rejects.toThrow(
      'testClient: GET /slow did not finish within 50 ms',
    );
    expect(Date.now() - started).toBeLessThan(900);
  });

  test('lint: false lets a broken app through to the client\'s own checks', async () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', [['X-Note', 'bad\nvalue']]);
      return [];
    };
    await expect(testClient(app, { lint: false }).get('/')).rejects.toThrow(/header X-Note has a value with CR, LF/);
    await expect(testClient(app).get('/')).rejects.toMatchObject({ rule: 'headers.format' });
  });

  test('startResponse twice without excInfo, and never, are errors without lint too', async () => {
    const twice: Application = (_e, startResponse) => {
      startResponse('200 OK', []);
      startResponse('200 OK', []);
      return [];
    };
    const never: Application = () => [];
    await expect(testClient(twice, { lint: false }).get('/')).rejects.toThrow(/second time/);
    await expect(testClient(never, { lint: false }).get('/')).rejects.toThrow(/without calling startResponse/);
  });

  test('the request body reaches the app; json() parses the response', async () => {
    const echo: Application = async (environ, startResponse) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of environ['wsgi.input']) chunks.push(chunk);
      startResponse('200 OK', [['Content-Type', 'application/json']]);
      return [bytes(JSON.stringify({ type: environ.CONTENT_TYPE, got: Buffer.concat(chunks).toString() }))];
    };
    const client = testClient(echo);
    expect((await client.post('/', { json: [1, 2] })).json()).toEqual({ type: 'application/json', got: '[1,2]' });
    async function* stream() {
      yield bytes('str');
      yield bytes('eamed');
    }
    const res = await client.put('/', { body: stream() });
    expect(res.json<{ got: string }>().got).toBe('streamed');
    expect(res.environ['wsgi.input_terminated']).toBe(true);
  });

  test('every shortcut sends its method; options are checked', async () => {
    const app: Application = (environ, startResponse) => {
      startResponse('200 OK', []);
      return [bytes(environ.REQUEST_METHOD)];
    };
    const client = testClient(app);
    for (const method of ['get', 'post', 'put', 'patch', 'delete', 'options'] as const) {
      expect((await client[method]('/')).text).toBe(method.toUpperCase());
    }
    expect((await client.request('PROPFIND', '/')).text).toBe('PROPFIND');
    expect(() => testClient(app, { timeout: 0 })).toThrow(/timeout/);
    expect(() => testClient(app, { maxResponseBytes: -1 })).toThrow(/maxResponseBytes/);
    expect(() => testClient(app, { maxBodyBytes: -1 })).toThrow(/maxBodyBytes/);
  });
});

describe('a hostile value thrown (one String() or .stack cannot take)', () => {
  test.each(HOSTILE)('%s from the app, with catchErrors: a 500, the value described in errors', async (_name, make) => {
    const client = testClient(() => {
      throw make();
    }, { catchErrors: true });
    const res = await client.get('/');
    expect(res.status).toBe(500);
    expect(res.errors).toMatch(/.+\n$/);
  });

  test.each(HOSTILE)('%s from a body before its first byte, with catchErrors: a 500, closed once', async (_name, make) => {
    let closes = 0;
    const app: Application = (_environ, startResponse) =>
      Object.assign(
        (async function* () {
          startResponse('200 OK', [['Content-Type', 'text/plain']]);
          yield bytes('');
          throw make();
        })(),
        { close: () => void closes++ },
      );
    const res = await testClient(app, { catchErrors: true }).get('/');
    expect(res.status).toBe(500);
    expect(closes).toBe(1);
  });

  test.each(HOSTILE)('%s from the app, without catchErrors: the request rejects with that very value', async (_name, make) => {
    const value = make();
    const outcome = await testClient(() => {
      throw value;
    }).get('/').then(
      () => 'resolved',
      (reason: unknown) => (reason === value ? 'the value' : 'another value'),
    );
    expect(outcome).toBe('the value');
  });
});
