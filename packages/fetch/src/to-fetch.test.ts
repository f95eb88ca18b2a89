import type { Application, Body, Environ, ErrorStream } from '@tsgi/core';
import { toFetch } from './to-fetch.js';
import { HOSTILE } from '../../core/test/hostile-values.js';

const quiet = (): void => undefined;

function textErrors(into: string[]): ErrorStream {
  return { write: (text) => void into.push(text), writelines: (lines) => void into.push(...lines), flush: quiet };
}

function capture(): { app: Application; seen: Environ[] } {
  const seen: Environ[] = [];
  const app: Application = (environ, startResponse) => {
    seen.push(environ);
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from('ok')];
  };
  return { app, seen };
}

describe('toFetch: the environ', () => {
  test('PATH_INFO decoded per byte (latin-1), QUERY_STRING raw, server from the URL', async () => {
    const { app, seen } = capture();
    await toFetch(app)(new Request('https://example.org:8443/caf%C3%A9/a%2Fb?x=1%202&y', { headers: { 'X-Thing': 'v', Cookie: 'a=1' } }));
    const environ = seen[0]!;
    expect(environ).toMatchObject({
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: '/caf\xc3\xa9/a/b',
      QUERY_STRING: 'x=1%202&y',
      SERVER_NAME: 'example.org',
      SERVER_PORT: '8443',
      SERVER_PROTOCOL: 'HTTP/1.1',
      HTTP_HOST: 'example.org:8443',
      HTTP_X_THING: 'v',
      HTTP_COOKIE: 'a=1',
      'wsgi.url_scheme': 'https',
      'wsgi.version': [1, 0],
      'wsgi.input_terminated': true,
    });
    expect(environ.CONTENT_LENGTH).toBeUndefined();
  });

  test('default ports, CONTENT_* without prefix, and header names with _ dropped', async () => {
    const { app, seen } = capture();
    await toFetch(app)(
      new Request('http://h/p', { method: 'POST', body: 'abc', headers: { 'content-type': 'text/x', 'content-length': '3', x_forged: '1' } }),
    );
    const environ = seen[0]!;
    expect(environ).toMatchObject({ SERVER_PORT: '80', CONTENT_TYPE: 'text/x', CONTENT_LENGTH: '3' });
    expect(Object.keys(environ).filter((k) => k.includes('FORGED'))).toEqual([]);
  });

  test('scriptName moves the mount prefix; the environ hook adds keys', async () => {
    const { app, seen } = capture();
    const handler = toFetch(app, {
      scriptName: '/api',
      environ: (_request, info) => ({ REMOTE_ADDR: (info as { ip: string } | undefined)?.ip ?? '' }),
    });
    await handler(new Request('http://h/api/users/1'), { ip: '10.0.0.9' });
    await handler(new Request('http://h/apiary'));
    expect([seen[0]!.SCRIPT_NAME, seen[0]!.PATH_INFO, seen[0]!.REMOTE_ADDR]).toEqual(['/api', '/users/1', '10.0.0.9']);
    expect([seen[1]!.SCRIPT_NAME, seen[1]!.PATH_INFO]).toEqual(['', '/apiary']);
  });

  test('wsgi.input reads the request body; errors go to the errors option', async () => {
    const logged: string[] = [];
    const app: Application = async (environ, startResponse) => {
      const input = environ['wsgi.input'];
      const first = await input.readline();
      const rest = await input.read();
      environ['wsgi.errors'].write('note\n');
      startResponse('200 OK', []);
      return [rest, first];
    };
    const response = await toFetch(app, { errors: (t) => void logged.push(t) })(new Request('http://h/', { method: 'PUT', body: 'line\nrest' }));
    expect(await response.text()).toBe('restline\n');
    expect(logged).toEqual(['note\n']);
  });

  test('errors takes a write(text) stream as serve() does, given writelines and flush', async () => {
    const stream = { lines: [] as string[], write(this: { lines: string[] }, text: string) { this.lines.push(text); } };
    const app: Application = (environ, startResponse) => {
      environ['wsgi.errors'].writelines(['a\n', 'b\n']);
      environ['wsgi.errors'].flush();
      startResponse('204 No Content', []);
      return [];
    };
    expect((await toFetch(app, { errors: stream })(new Request('http://h/'))).status).toBe(204);
    expect(stream.lines).toEqual(['a\n', 'b\n']);
  });

  test('bad options throw a TypeError naming them', () => {
    const { app } = capture();
    expect(() => toFetch(app, { scriptName: 'api' })).toThrow(/scriptName/);
    expect(() => toFetch(app, { errors: 3 as never })).toThrow(/errors/);
    expect(() => toFetch(app, { environ: 'x' as never })).toThrow(/environ/);
    expect(() => toFetch('app' as never)).toThrow(TypeError);
  });
});

describe('toFetch: the response', () => {
  test('status text, repeated Set-Cookie, and the body of an array', async () => {
    const app: Application = (_environ, startResponse) => {
      startResponse('201 Made It', [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-A', 'x']]);
      return [Buffer.from('one'), Buffer.from('two')];
    };
    const response = await toFetch(app)(new Request('http://h/'));
    expect([response.status, response.statusText]).toEqual([201, 'Made It']);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.text()).toBe('onetwo');
  });

  test('streams an async body one pull at a time; cancel calls return() and close() once', async () => {
    const log: string[] = [];
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', []);
      const body = (async function* () {
        try {
          for (let i = 0; ; i++) {
            log.push(`yield ${i}`);
            yield Buffer.from(String(i));
          }
        } finally {
          log.push('finally');
        }
      })();
      return Object.assign(body, { close: () => void log.push('close') });
    };
    const response = await toFetch(app)(new Request('http://h/'));
    const reader = response.body!.getReader();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('0');
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('1');
    await reader.cancel();
    expect(log).toEqual(['yield 0', 'yield 1', 'finally', 'close']);
  });

  test('a cancel while the app is producing a chunk ends quietly: no error, close() once', async () => {
    // Bun and Deno cancel the body stream when the client goes; the walk under way must
    // then leave the (closed) controller alone, or they log "controller is closed".
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const proto = Object.getPrototypeOf(controller) as ReadableStreamDefaultController<Uint8Array>;
    const enqueue = jest.spyOn(proto, 'enqueue');
    const error = jest.spyOn(proto, 'error');
    try {
      const errors: string[] = [];
      let open: () => void = () => {};
      const gate = new Promise<void>((resolve) => (open = resolve));
      let reached: () => void = () => {};
      const atGate = new Promise<void>((resolve) => (reached = resolve));
      let closed = 0;
      const app: Application = (_environ, startResponse) => {
        startResponse('200 OK', []);
        const body = (async function* () {
          yield Buffer.from('0');
          reached();
          await gate;
          yield Buffer.from('1');
        })();
        return Object.assign(body, { close: () => void closed++ });
      };
      const response = await toFetch(app, { errors: textErrors(errors) })(new Request('http://h/'));
      const reader = response.body!.getReader();
      expect(Buffer.from((await reader.read()).value!).toString()).toBe('0');
      const reading = reader.read(); // the walk goes on, and waits at the gate
      await atGate;
      const cancelled = reader.cancel();
      open();
      await Promise.all([reading, cancelled, new Promise((resolve) => setTimeout(resolve, 20))]);
      expect(enqueue.mock.calls.map(([chunk]) => Buffer.from(chunk!).toString())).toEqual(['0']);
      expect(error).not.toHaveBeenCalled();
      expect(errors).toEqual([]);
      expect(closed).toBe(1);
    } finally {
      enqueue.mockRestore();
      error.mockRestore();
    }
  });

  test('startResponse may come with the first chunk; write() output goes first', async () => {
    const app: Application = (_environ, startResponse) =>
      (function* () {
        const write = startResponse('200 OK', []);
        write(Buffer.from('written,'));
        yield Buffer.from('yielded');
      })();
    const response = await toFetch(app)(new Request('http://h/'));
    expect(await response.text()).toBe('written,yielded');
  });

  test('HEAD and 204 get no body; the app body is closed without being iterated', async () => {
    let iterated = 0;
    let closed = 0;
    const app: Application = (environ, startResponse) => {
      startResponse(environ.PATH_INFO === '/none' ? '204 No Content' : '200 OK', [['Content-Length', '3']]);
      return { *[Symbol.iterator]() { iterated++; yield Buffer.from('abc'); }, close: () => void closed++ };
    };
    const handler = toFetch(app);
    const head = await handler(new Request('http://h/', { method: 'HEAD' }));
    const none = await handler(new Request('http://h/none'));
    expect([head.status, head.headers.get('content-length'), head.body]).toEqual([200, '3', null]);
    expect([none.status, none.body]).toEqual([204, null]);
    expect([iterated, closed]).toEqual([0, 2]);
  });

  test('errors before the Response are a 500; PEP 3333 breaches count', async () => {
    const logged: string[] = [];
    const apps: Application[] = [
      () => {
        throw new Error('thrown');
      },
      (_e, startResponse) => {
        startResponse('200 OK', []);
        startResponse('200 OK', []);
        return [];
      },
      (_e, startResponse) => {
        startResponse('200 OK', [['Connection', 'close']]);
        return [];
      },
      () => [],
    ];
    for (const app of apps) {
      const response = await toFetch(app, { errors: (t) => void logged.push(t) })(new Request('http://h/'));
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('Internal Server Error\n');
    }
    expect(logged.join('')).toMatch(/thrown[\s\S]*second time[\s\S]*hop-by-hop[\s\S]*without calling startResponse/);
  });

  test('excInfo replaces the status before the Response exists', async () => {
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', []);
      startResponse('503 Service Unavailable', [['Retry-After', '1']], new Error('late failure'));
      return [Buffer.from('try later')];
    };
    const response = await toFetch(app, { errors: quiet })(new Request('http://h/'));
    expect([response.status, response.headers.get('retry-after'), await response.text()]).toEqual([503, '1', 'try later']);
  });

  test('an error mid-stream errors the stream and still closes the body once', async () => {
    let closed = 0;
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', []);
      const body = (async function* () {
        yield Buffer.from('a');
        throw new Error('mid-stream');
      })();
      return Object.assign(body, { close: () => void closed++ });
    };
    const response = await toFetch(app, { errors: quiet })(new Request('http://h/'));
    await expect(response.text()).rejects.toThrow('mid-stream');
    expect(closed).toBe(1);
  });
});

describe('rethrow', () => {
  test('an error before the Response exists is thrown to the caller, after the body is closed', async () => {
    let closed = 0;
    const app = (): Body => ({
      [Symbol.iterator]: () => ({
        next(): IteratorResult<Uint8Array> {
          throw new Error('before the headers');
        },
      }),
      close() {
        closed++;
      },
    });
    const handler = toFetch(app as unknown as Application, { rethrow: true });
    await expect(handler(new Request('http://localhost/'))).rejects.toThrow('before the headers');
    expect(closed).toBe(1);
  });

  test('without it the same error is the gateway 500', async () => {
    const handler = toFetch(() => {
      throw new Error('nope');
    }, { errors: () => undefined });
    expect((await handler(new Request('http://localhost/'))).status).toBe(500);
  });

  test('must be a boolean', () => {
    expect(() => toFetch(() => [], { rethrow: 'yes' as unknown as boolean })).toThrow('toFetch: rethrow must be a boolean, got string');
  });
});

test('the request body stays unlocked until the app reads wsgi.input', async () => {
  const request = new Request('http://localhost/', { method: 'POST', body: 'left for the host' });
  let environBody: unknown;
  const handler = toFetch((environ, startResponse) => {
    environBody = environ['wsgi.input'];
    startResponse('204 No Content', []);
    return [];
  });
  await handler(request);
  expect(environBody).toBeDefined();
  expect(request.bodyUsed).toBe(false);
  expect(await request.text()).toBe('left for the host');
});

describe('a hostile value thrown at any point (one String() or .stack cannot take)', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  beforeAll(() => process.on('unhandledRejection', onRejection));
  afterAll(() => process.off('unhandledRejection', onRejection));
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

  test.each(HOSTILE)('%s from the app: a 500, logged', async (_name, make) => {
    const log: string[] = [];
    const response = await toFetch(() => {
      throw make();
    }, { errors: textErrors(log) })(new Request('http://h/'));
    expect(response.status).toBe(500);
    expect(log.join('')).toMatch(/^toFetch: .+/);
  });

  test.each(HOSTILE)('%s from an array body’s close(): the whole response, the error logged, no unhandled rejection', async (_name, make) => {
    const log: string[] = [];
    let closed = 0;
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return Object.assign([Buffer.from('whole')], {
        close() {
          closed++;
          throw make();
        },
      });
    };
    const response = await toFetch(app, { errors: textErrors(log) })(new Request('http://h/'));
    expect(`${response.status} ${await response.text()}`).toBe('200 whole');
    await settle();
    expect(closed).toBe(1);
    expect(log.join('')).toMatch(/^toFetch: .+/);
    expect(rejections).toEqual([]);
  });

  test.each(HOSTILE)('%s from a streamed body’s close(): the whole response, the error logged', async (_name, make) => {
    const log: string[] = [];
    let closed = 0;
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return Object.assign(
        (async function* () {
          yield Buffer.from('who');
          yield Buffer.from('le');
        })(),
        {
          close() {
            closed++;
            return Promise.reject(make() as Error);
          },
        },
      );
    };
    const response = await toFetch(app, { errors: textErrors(log) })(new Request('http://h/'));
    expect(`${response.status} ${await response.text()}`).toBe('200 whole');
    await settle();
    expect(closed).toBe(1);
    expect(log.join('')).toMatch(/^toFetch: .+/);
    expect(rejections).toEqual([]);
  });

  test('a wsgi.errors that throws does not turn the 500 into a rejected handler', async () => {
    const errors: ErrorStream = {
      write() {
        throw new Error('log is gone');
      },
      writelines: quiet,
      flush: quiet,
    };
    const response = await toFetch(() => {
      throw Object.create(null);
    }, { errors })(new Request('http://h/'));
    expect(response.status).toBe(500);
  });
});
