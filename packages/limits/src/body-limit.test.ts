import { HttpError, readBody, type Application, type Environ, type ResponseHeaders } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { bodyLimit, LimitedInput, type BodyLimitOptions } from './index.js';

const TEXT: ResponseHeaders = [['Content-Type', 'text/plain']];
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A streamed request body (no CONTENT_LENGTH), in `parts`. */
async function* chunked(parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield enc(part);
}

/** The ways an app reads its whole body; each answers 200 with the byte count. */
const READERS: Record<string, (environ: Environ) => Promise<Uint8Array>> = {
  'read()': (environ) => environ['wsgi.input'].read(),
  'read(4) in a loop': async (environ) => {
    const parts: Uint8Array[] = [];
    for (let part = await environ['wsgi.input'].read(4); part.byteLength > 0; part = await environ['wsgi.input'].read(4)) parts.push(part);
    return enc(parts.map(decode).join(''));
  },
  'readline()s': async (environ) => enc((await environ['wsgi.input'].readlines()).map(decode).join('')),
  'for await': async (environ) => {
    let text = '';
    for await (const chunk of environ['wsgi.input']) text += decode(chunk);
    return enc(text);
  },
  "core's readBody with a larger limit": (environ) => readBody(environ, { limit: 1 << 20 }),
};

function reading(read: (environ: Environ) => Promise<Uint8Array>): Application {
  return async function readingApp(environ, startResponse) {
    const body = await read(environ);
    startResponse('200 OK', TEXT);
    return [enc(`read ${body.byteLength}`)];
  };
}

async function post(app: Application, options: BodyLimitOptions, body: string | AsyncIterable<Uint8Array>) {
  return testClient(bodyLimit(options)(app)).post('/', { body });
}

describe('bodyLimit(): a declared CONTENT_LENGTH', () => {
  test('over the limit: 413 with a one-line reason, before the app runs', async () => {
    const app = jest.fn(reading(READERS['read()']!));
    const res = await post(app, { limit: 10 }, 'x'.repeat(11));
    expect([res.statusLine, res.header('content-type'), res.text]).toEqual([
      '413 Content Too Large',
      'text/plain; charset=utf-8',
      'request body of 11 bytes is over the limit of 10 bytes\n',
    ]);
    expect(app).not.toHaveBeenCalled();
  });

  test('at the limit: the app runs with the gateway’s own wsgi.input, and its array body is handed up as is', async () => {
    let sameInput = false;
    const body = [enc('ok')];
    let returned: unknown;
    const inner = bodyLimit({ limit: 10 })(async (environ, startResponse) => {
      sameInput = environ['wsgi.input'] instanceof LimitedInput === false;
      await environ['wsgi.input'].read();
      startResponse('200 OK', TEXT);
      return body;
    });
    const outer: Application = async (environ, startResponse) => (returned = await inner(environ, startResponse));
    const res = await testClient(outer).post('/', { body: 'x'.repeat(10) });
    expect([res.status, sameInput, returned === body]).toEqual([200, true, true]);
  });

  test('throwHttpErrors: core HttpError 413 with the same message, the app not run', async () => {
    const app = jest.fn(reading(READERS['read()']!));
    const error = await post(app, { limit: 10, throwHttpErrors: true }, 'x'.repeat(11)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect([(error as HttpError).status, (error as HttpError).message, (error as HttpError).expose]).toEqual([
      413,
      'request body of 11 bytes is over the limit of 10 bytes',
      true,
    ]);
    expect(app).not.toHaveBeenCalled();
  });
});

describe('bodyLimit(): a streamed body (no CONTENT_LENGTH)', () => {
  describe.each(Object.entries(READERS))('read with %s', (_how, read) => {
    test('under and at the limit: all of it', async () => {
      for (const parts of [['ab\n', 'cd'], ['abcd', '\nefghi']]) {
        const res = await post(reading(read), { limit: 10 }, chunked(parts));
        expect([res.status, res.text]).toEqual([200, `read ${parts.join('').length}`]);
      }
    });

    test('one byte over: the error escapes the app and is answered 413', async () => {
      const res = await post(reading(read), { limit: 10 }, chunked(['abcd\n', 'efghi', 'j']));
      expect([res.status, res.text]).toEqual([413, 'request body is over the limit of 10 bytes\n']);
    });

    test('throwHttpErrors: core HttpError 413 for the layer above', async () => {
      const error = await post(reading(read), { limit: 10, throwHttpErrors: true }, chunked(['abcd\n', 'efghi', 'j'])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpError);
      expect([(error as HttpError).status, (error as HttpError).message]).toEqual([413, 'request body is over the limit of 10 bytes']);
    });
  });

  test('read() with no size refuses before holding much more than the limit: the source stops being pulled', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield new Uint8Array(1000);
      }
    }
    const res = await post(reading(READERS['read()']!), { limit: 10_000 }, endless());
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(12);
  });

  test('a lazy app that reads in its first iteration, before startResponse, is answered 413 too', async () => {
    const lazy: Application = (environ, startResponse) =>
      (async function* () {
        const body = await environ['wsgi.input'].read();
        startResponse('200 OK', TEXT);
        yield body;
      })();
    const res = await post(lazy, { limit: 3 }, chunked(['abcd']));
    expect([res.status, res.closeCalls]).toEqual([413, 1]);
  });

  test("an app that catches the error answers as it likes; another layer's 413 or any other error travels on", async () => {
    const own: Application = async (environ, startResponse) => {
      try {
        await environ['wsgi.input'].read();
      } catch (error) {
        startResponse('422 Unprocessable Content', TEXT);
        return [enc(`own answer: ${(error as HttpError).status}`)];
      }
      startResponse('200 OK', TEXT);
      return [];
    };
    const res = await post(own, { limit: 2 }, chunked(['abc']));
    expect([res.status, res.text]).toEqual([422, 'own answer: 413']);

    const strict = reading((environ) => readBody(environ, { limit: 1 }));
    await expect(post(strict, { limit: 2 }, chunked(['ab']))).rejects.toMatchObject({ status: 413, message: 'request body is over the limit of 1 bytes' });
    const broken: Application = async () => {
      throw new Error('parser bug');
    };
    await expect(post(broken, { limit: 2 }, chunked(['ab']))).rejects.toThrow('parser bug');
  });

  test('after the response started, the error is not answered: it travels on (the gateway cuts the connection)', async () => {
    const streaming: Application = (environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return (async function* () {
        yield enc('started ');
        yield await environ['wsgi.input'].read();
      })();
    };
    await expect(post(streaming, { limit: 2 }, chunked(['abc']))).rejects.toMatchObject({ status: 413 });
  });

  test('limit 0: an empty stream passes, one byte is refused', async () => {
    expect((await post(reading(READERS['read()']!), { limit: 0 }, chunked([]))).text).toBe('read 0');
    expect((await post(reading(READERS['read()']!), { limit: 0 }, chunked(['a']))).status).toBe(413);
  });
});

describe('bodyLimit(): options', () => {
  test.each([
    [{ limit: -1 }, 'bodyLimit: option limit must be a whole number of bytes >= 0, got -1'],
    [{ limit: 1.5 }, 'bodyLimit: option limit must be a whole number of bytes >= 0, got 1.5'],
    [{ limit: '1mb' }, 'bodyLimit: option limit must be a whole number of bytes >= 0, got "1mb"'],
    [{ throwHttpErrors: 'yes' }, 'bodyLimit: throwHttpErrors must be true or false, got yes'],
  ])('%j is refused at factory time', (options, message) => {
    expect(() => bodyLimit(options as never)).toThrow(new TypeError(message));
  });

  test('the default limit is 1 MiB, as core readBody’s', async () => {
    const app = reading(READERS['read()']!);
    expect((await testClient(bodyLimit()(app)).post('/', { body: 'x'.repeat(1 << 20) })).status).toBe(200);
    expect((await testClient(bodyLimit()(app)).post('/', { body: 'x'.repeat((1 << 20) + 1) })).status).toBe(413);
  });
});
