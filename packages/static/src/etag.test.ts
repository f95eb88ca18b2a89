import { createHash } from 'node:crypto';
import { compose, type Application, type ResponseHeaders } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { conditionalGet } from './conditional-get.js';
import { etag } from './etag.js';

const HELLO = Buffer.from('hello, etag\n');
const expectedTag = (bytes: Uint8Array): string =>
  `"${createHash('sha256').update(bytes).digest().subarray(0, 16).toString('base64url')}"`;

function arrayApp(headers: ResponseHeaders = [], status = '200 OK', chunks: Uint8Array[] = [HELLO]): Application {
  return (_environ, startResponse) => {
    startResponse(status, [['Content-Type', 'text/plain'], ...headers]);
    return chunks;
  };
}

describe('etag()', () => {
  it('tags an array body with a SHA-256 of its bytes, the same for any chunking', async () => {
    const whole = await testClient(etag()(arrayApp())).get('/');
    const split = await testClient(etag()(arrayApp([], '200 OK', [HELLO.subarray(0, 3), HELLO.subarray(3)]))).get('/');
    expect(whole.header('etag')).toBe(expectedTag(HELLO));
    expect(split.header('etag')).toBe(whole.header('etag'));
    expect(whole.text).toBe('hello, etag\n');
  });

  it('tags 201 too, and HEAD when the app returns the body', async () => {
    expect((await testClient(etag()(arrayApp([], '201 Created'))).post('/')).header('etag')).toBeUndefined(); // POST: not a GET
    expect((await testClient(etag()(arrayApp([], '201 Created'))).get('/')).header('etag')).toBe(expectedTag(HELLO));
    expect((await testClient(etag()(arrayApp())).head('/')).header('etag')).toBe(expectedTag(HELLO));
  });

  it('leaves an empty HEAD body untagged (its hash is not the GET one)', async () => {
    const app: Application = (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return environ.REQUEST_METHOD === 'HEAD' ? [] : [HELLO];
    };
    expect((await testClient(etag()(app)).head('/')).header('etag')).toBeUndefined();
  });

  it.each([
    ['an ETag already', [['ETag', '"mine"']], '"mine"'],
    ['a Last-Modified', [['Last-Modified', 'Sun, 29 Nov 2026 12:00:00 GMT']], undefined],
    ['Cache-Control: no-store', [['Cache-Control', 'private, no-store']], undefined],
  ] as Array<[string, ResponseHeaders, string | undefined]>)('leaves a response with %s alone', async (_what, headers, tag) => {
    const reply = await testClient(etag()(arrayApp(headers))).get('/');
    expect(reply.header('etag')).toBe(tag);
  });

  it('does not tag other statuses', async () => {
    expect((await testClient(etag()(arrayApp([], '404 Not Found'))).get('/')).header('etag')).toBeUndefined();
  });

  it('passes a streaming body through untouched and unread', async () => {
    let pulled = 0;
    const chunks = [Buffer.from('a'), Buffer.from('b')];
    const body = {
      async *[Symbol.asyncIterator]() {
        for (const chunk of chunks) {
          pulled++;
          yield chunk;
        }
      },
    };
    let returned: unknown;
    const streaming: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return body;
    };
    const spy: Application = async (environ, startResponse) => {
      returned = await etag()(streaming)(environ, startResponse);
      expect(pulled).toBe(0);
      return returned as never;
    };
    const reply = await testClient(spy).get('/');
    expect(returned).toBe(body);
    expect(reply.header('etag')).toBeUndefined();
    expect(reply.text).toBe('ab');
  });

  it('sends write() output untagged, in order', async () => {
    const legacy: Application = (_environ, startResponse) => {
      const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
      write(Buffer.from('one '));
      return [Buffer.from('two')];
    };
    const reply = await testClient(etag()(legacy)).get('/');
    expect([reply.text, reply.header('etag')]).toEqual(['one two', undefined]);
  });
  it('a write() ends the hold: the head and the chunk go up at once, not when the app returns', () => {
    const sent: string[] = [];
    let sentBeforeReturn: string[] = [];
    const legacy: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']])(Buffer.from('streamed'));
      sentBeforeReturn = sent.slice();
      return [];
    };
    const start = (status: string) => (sent.push(status), (chunk: Uint8Array) => void sent.push(Buffer.from(chunk).toString()));
    void etag()(legacy)({ REQUEST_METHOD: 'GET' } as never, start);
    expect(sentBeforeReturn).toEqual(['200 OK', 'streamed']);
  });
});

describe('conditionalGet()', () => {
  const stack = (app: Application) => testClient(compose(conditionalGet(), etag())(app));

  it('answers 304 with the validators and without content headers, closing the unread body', async () => {
    let closed = 0;
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', String(HELLO.byteLength)], ['Cache-Control', 'no-cache']]);
      return Object.assign([HELLO], { close: () => void closed++ });
    };
    const client = stack(app);
    const tag = (await client.get('/')).header('etag')!;
    const reply = await client.get('/', { headers: { 'If-None-Match': tag } });
    expect(reply.status).toBe(304);
    expect(reply.body.byteLength).toBe(0);
    expect(reply.header('etag')).toBe(tag);
    expect(reply.header('cache-control')).toBe('no-cache');
    expect(reply.header('content-type')).toBeUndefined();
    expect(reply.header('content-length')).toBeUndefined();
    expect(closed).toBe(2);
  });

  it('uses Last-Modified with If-Modified-Since, and 412s a failed If-Unmodified-Since', async () => {
    const date = 'Sun, 29 Nov 2026 12:00:00 GMT';
    const client = testClient(conditionalGet()(arrayApp([['Last-Modified', date]])));
    expect((await client.get('/', { headers: { 'If-Modified-Since': date } })).status).toBe(304);
    expect((await client.get('/', { headers: { 'If-Modified-Since': 'Sat, 28 Nov 2026 12:00:00 GMT' } })).status).toBe(200);
    const failed = await client.get('/', { headers: { 'If-Unmodified-Since': 'Sat, 28 Nov 2026 12:00:00 GMT' } });
    expect([failed.status, failed.text]).toEqual([412, '412 Precondition Failed\n']);
  });

  it('passes through other methods, statuses, and responses without validators', async () => {
    const any = { headers: { 'If-None-Match': '*' } };
    expect((await testClient(conditionalGet()(arrayApp([['ETag', '"x"']]))).post('/', any)).status).toBe(200);
    expect((await testClient(conditionalGet()(arrayApp([['ETag', '"x"']], '404 Not Found'))).get('/', any)).status).toBe(404);
    expect((await testClient(conditionalGet()(arrayApp())).get('/', any)).status).toBe(200);
    expect((await testClient(conditionalGet()(arrayApp([['ETag', '"x"']]))).get('/', any)).status).toBe(304);
  });

  it('passes a body that starts its response lazily through as it is', async () => {
    const lazy: Application = (_environ, startResponse) => ({
      async *[Symbol.asyncIterator]() {
        startResponse('200 OK', [['Content-Type', 'text/plain'], ['ETag', '"x"']]);
        yield HELLO;
      },
    });
    const reply = await testClient(conditionalGet()(lazy)).get('/', { headers: { 'If-None-Match': '"x"' } });
    expect([reply.status, reply.text]).toEqual([200, 'hello, etag\n']);
  });

  it("drops the app's write() output under a 304, and sends a passing response's head before the app returns", async () => {
    const writer: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['ETag', '"w"']])(Buffer.from('written'));
      return [Buffer.from('body')];
    };
    const reply = await testClient(conditionalGet()(writer)).get('/', { headers: { 'If-None-Match': '"w"' } });
    expect([reply.status, reply.body.byteLength]).toEqual([304, 0]);
    const sent: string[] = [];
    let sentBeforeReturn: string[] = [];
    const passing: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['ETag', '"new"']]);
      sentBeforeReturn = sent.slice();
      return [];
    };
    const environ = { REQUEST_METHOD: 'GET', HTTP_IF_NONE_MATCH: '"old"' } as never;
    void conditionalGet()(passing)(environ, (status) => (sent.push(status), () => undefined));
    expect(sentBeforeReturn).toEqual(['200 OK']);
  });

  it('rejects bad options and apps with a TypeError', () => {
    expect(() => conditionalGet(null as never)).toThrow(TypeError);
    expect(() => conditionalGet()(undefined as never)).toThrow(/application/);
    expect(() => etag(5 as never)).toThrow(TypeError);
  });
});
