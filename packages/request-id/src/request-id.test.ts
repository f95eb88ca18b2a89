import type { Application, Body, ResponseHeaders } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { requestId, requestIdGenerator, type RequestIdOptions } from './index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const HEADERS: ResponseHeaders = [['Content-Type', 'text/plain']];

/** Answers with the id it saw in the environ, so a test can compare it with the header. */
const echoId: Application = function echoId(environ, startResponse) {
  startResponse('200 OK', HEADERS);
  return [new TextEncoder().encode(String(environ['tsgi.request_id']))];
};

async function ask(options: RequestIdOptions, headers: Record<string, string> = {}, app: Application = echoId) {
  const res = await testClient(requestId(options)(app)).get('/', { headers });
  return { status: res.status, seen: res.text, sent: res.headerValues('x-request-id') };
}

describe('requestId(): which id a request gets', () => {
  test.each([
    ['no incoming id: a new UUID', {}, {}, UUID],
    ['a UUID from upstream is reused', {}, { 'X-Request-Id': '0f8fad5b-d9cb-469f-a165-70867728950e' }, /^0f8fad5b-d9cb-469f-a165-70867728950e$/],
    ['a token with punctuation is reused', {}, { 'X-Request-Id': "req_01H~abc.def!#$%&'*+^`|" }, /^req_01H~abc\.def!#\$%&'\*\+\^`\|$/],
    ['exactly maxLength is reused', { maxLength: 8 }, { 'X-Request-Id': 'abcdefgh' }, /^abcdefgh$/],
    ['one over maxLength is replaced', { maxLength: 8 }, { 'X-Request-Id': 'abcdefghi' }, UUID],
    ['201 characters (over the default 200) are replaced', {}, { 'X-Request-Id': 'a'.repeat(201) }, UUID],
    ['spaces are replaced', {}, { 'X-Request-Id': 'a b' }, UUID],
    ['quotes are replaced (no JSON or log injection)', {}, { 'X-Request-Id': 'a"b' }, UUID],
    ['a comma is replaced (no second list value)', {}, { 'X-Request-Id': 'a,b' }, UUID],
    ['non-ASCII is replaced', {}, { 'X-Request-Id': 'caf\xe9' }, UUID],
    ['trustIncoming: false ignores a valid one', { trustIncoming: false }, { 'X-Request-Id': 'abc' }, UUID],
    ['a custom header is read', { header: 'X-Correlation-Id' }, { 'X-Correlation-Id': 'corr-1', 'X-Request-Id': 'other' }, /^corr-1$/],
  ] as const)('%s', async (_name, options, headers, want) => {
    const res = await ask(options, headers);
    expect(res.status).toBe(200);
    expect(res.seen).toMatch(want);
    const name = 'header' in options ? options.header : 'X-Request-Id';
    const sent = (await testClient(requestId(options)(echoId)).get('/', { headers })).headerValues(name);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(want);
  });

  test('the header sent back is the id the app saw, and each request gets its own', async () => {
    const a = await ask({});
    const b = await ask({});
    expect(a.sent).toEqual([a.seen]);
    expect(b.sent).toEqual([b.seen]);
    expect(a.seen).not.toBe(b.seen);
  });

  test('a hostile value (CR/LF smuggled through a raw environ) is never echoed', async () => {
    const res = await testClient(requestId()(echoId), { lint: false }).get('/', {
      environ: { HTTP_X_REQUEST_ID: 'x\r\nSet-Cookie: a=b' },
    });
    expect(res.text).toMatch(UUID);
    expect(res.header('set-cookie')).toBeUndefined();
  });

  test('generate gets the environ; requestIdGenerator() is a cheaper generator', async () => {
    const seen: string[] = [];
    const res = await ask({ generate: (environ) => (seen.push(environ.PATH_INFO), 'gen-1') });
    expect([res.seen, res.sent, seen]).toEqual(['gen-1', ['gen-1'], ['/']]);
    expect((await ask({ generate: requestIdGenerator() })).seen).toMatch(/^[A-Za-z0-9_-]{12}-1$/);
  });

  test('a generate() that returns no usable header value fails the request with a TypeError saying so', async () => {
    for (const bad of ['', 'a\nb', 7 as unknown as string]) {
      await expect(testClient(requestId({ generate: () => bad })(echoId)).get('/')).rejects.toThrow(
        /^requestId: generate\(\) must return a non-empty string that is a valid header value, got/,
      );
    }
  });
});

describe('requestId(): the response', () => {
  test("the app's own X-Request-Id is kept, not doubled", async () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', [...HEADERS, ['x-request-id', 'from-app']]);
      return [];
    };
    expect((await ask({}, {}, app)).sent).toEqual(['from-app']);
  });

  test('responseHeader: false sets the environ key only and hands the body up as the same object', async () => {
    const body = [new Uint8Array([104, 105])];
    let returned: Body | Promise<Body> | undefined;
    const inner: Application = (environ, startResponse) => {
      startResponse('200 OK', HEADERS);
      return environ['tsgi.request_id'] ? body : [];
    };
    const app = requestId({ responseHeader: false })(inner);
    const res = await testClient((environ, startResponse) => (returned = app(environ, startResponse))).get('/');
    expect([res.text, res.header('x-request-id'), returned === body]).toEqual(['hi', undefined, true]);
  });

  test('with the header on, an array body is still handed up as the same array', async () => {
    const body = [new Uint8Array([111, 107])];
    let returned: Body | Promise<Body> | undefined;
    const app = requestId()((_e, startResponse) => {
      startResponse('200 OK', HEADERS);
      return body;
    });
    const res = await testClient((environ, startResponse) => (returned = app(environ, startResponse))).get('/');
    expect(res.header('x-request-id')).toMatch(UUID);
    expect(returned).toBe(body);
  });

  test("a constant header list shared by the app's responses is not changed", async () => {
    const shared: ResponseHeaders = [['Content-Type', 'text/plain']];
    const app = requestId()((_e, startResponse) => {
      startResponse('200 OK', shared);
      return [];
    });
    await testClient(app).get('/');
    await testClient(app).get('/');
    expect(shared).toEqual([['Content-Type', 'text/plain']]);
  });

  test('a lazy generator app and an error page replacing a started response (excInfo) get the header too', async () => {
    const lazy: Application = (_e, startResponse) =>
      (function* () {
        startResponse('200 OK', HEADERS);
        yield new Uint8Array([1]);
      })();
    expect((await ask({}, {}, lazy)).sent[0]).toMatch(UUID);
    const failing: Application = (_e, startResponse) => {
      startResponse('200 OK', HEADERS);
      startResponse('500 Internal Server Error', HEADERS, new Error('late failure'));
      return [];
    };
    const res = await testClient(requestId()(failing)).get('/');
    expect([res.status, res.headerValues('x-request-id').length]).toEqual([500, 1]);
  });

  test('an async app and a HEAD request', async () => {
    const asyncApp: Application = async (environ, startResponse) => echoId(environ, startResponse);
    const res = await testClient(requestId()(asyncApp)).head('/');
    expect([res.status, res.body.byteLength]).toEqual([200, 0]);
    expect(res.header('x-request-id')).toMatch(UUID);
  });
});

describe('requestId(): options', () => {
  test.each([
    [{ header: 'X Request' }, 'requestId: option header must be a header name, got "X Request"'],
    [{ header: 7 }, 'requestId: option header must be a header name, got 7'],
    [{ trustIncoming: 'no' }, 'requestId: option trustIncoming must be true or false, got "no"'],
    [{ maxLength: 0 }, 'requestId: option maxLength must be a positive integer, got 0'],
    [{ maxLength: 1.5 }, 'requestId: option maxLength must be a positive integer, got 1.5'],
    [{ generate: 'uuid' }, 'requestId: option generate must be a function, got "uuid"'],
    [{ responseHeader: 1 }, 'requestId: option responseHeader must be true or false, got 1'],
  ])('%j is refused at factory time', (options, message) => {
    expect(() => requestId(options as never)).toThrow(new TypeError(message));
  });

  test('no random bytes at factory time (Workers forbid them at module scope), one UUID per request after', async () => {
    const uuid = jest.spyOn(crypto, 'randomUUID');
    try {
      const app = requestId()(echoId);
      expect(uuid).not.toHaveBeenCalled();
      await testClient(app).get('/');
      expect(uuid).toHaveBeenCalledTimes(1);
      await testClient(app).get('/', { headers: { 'X-Request-Id': 'given' } });
      expect(uuid).toHaveBeenCalledTimes(1);
    } finally {
      uuid.mockRestore();
    }
  });
});
