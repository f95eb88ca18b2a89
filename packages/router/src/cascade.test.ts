import { HttpError, type Application, type Body, type Environ, type StartResponse } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { cascade } from './cascade.js';
import { router } from './router.js';
import { urlMap } from './url-map.js';

/** An app answering `status` with body `text`, counting how often its body is closed. */
function answer(status: string, text: string, closes: string[]): Application {
  return function answerApp(_environ: Environ, startResponse: StartResponse): Body {
    startResponse(status, [['Content-Type', 'text/plain']]);
    return Object.assign([Buffer.from(text)], { close: () => void closes.push(text) });
  };
}

test('the first answer whose status is not caught wins; discarded bodies are closed once', async () => {
  const closes: string[] = [];
  const app = cascade([
    answer('404 Not Found', 'a', closes),
    answer('405 Method Not Allowed', 'b', closes),
    answer('200 OK', 'c', closes),
    answer('200 OK', 'd', closes),
  ]);
  const res = await testClient(app).get('/');
  expect(res.status).toBe(200);
  expect(res.text).toBe('c');
  expect(closes).toEqual(['a', 'b', 'c']); // c closed by the client, d never called
  expect(res.closeCalls).toBe(1);
});

test("the last app's answer is returned whatever its status; catch is configurable", async () => {
  const closes: string[] = [];
  const all404 = cascade([answer('404 Not Found', 'a', closes), answer('404 Not Found', 'z', closes)]);
  const res = await testClient(all404).get('/');
  expect([res.status, res.text]).toEqual([404, 'z']);
  const custom = cascade([answer('403 Forbidden', 'a', closes), answer('200 OK', 'b', closes)], { catch: [403] });
  expect((await testClient(custom).get('/')).text).toBe('b');
  const notCaught = cascade([answer('405 Method Not Allowed', 'a', closes), answer('200 OK', 'b', closes)], {
    catch: [404],
  });
  expect((await testClient(notCaught).get('/')).status).toBe(405);
});

test('a winner that is an array keeps its identity', async () => {
  const body = [Buffer.from('x')];
  const app = cascade([
    answer('404 Not Found', 'a', []),
    function arrayApp(_e, startResponse) {
      startResponse('200 OK', []);
      return body;
    },
  ]);
  const returned = await app({ REQUEST_METHOD: 'GET', PATH_INFO: '/', SCRIPT_NAME: '' } as Environ, () => () => {});
  expect(returned).toBe(body);
});

test('lazy apps: the first chunk is pulled to learn the status; a loser is stopped and closed', async () => {
  const events: string[] = [];
  function lazy(status: string, chunks: string[]): Application {
    return function lazyApp(_environ, startResponse) {
      return (async function* () {
        try {
          startResponse(status, [['Content-Type', 'text/plain']]);
          for (const chunk of chunks) yield Buffer.from(chunk);
        } finally {
          events.push(`finally ${status}`);
        }
      })();
    };
  }
  const app = cascade([lazy('404 Not Found', ['no']), lazy('200 OK', ['one', 'two', 'three'])]);
  const res = await testClient(app).get('/');
  expect(res.status).toBe(200);
  expect(res.text).toBe('onetwothree');
  expect(events).toEqual(['finally 404 Not Found', 'finally 200 OK']);
  expect(res.closeCalls).toBe(1);
});

test('an answer that is not caught goes up when its app calls startResponse, not held for its body', async () => {
  const sent: string[] = [];
  let sentBeforeReturn: string[] = [];
  const app = cascade([
    answer('404 Not Found', 'a', []),
    function live(_environ, startResponse) {
      startResponse('200 OK', []);
      sentBeforeReturn = sent.slice();
      return [Buffer.from('b')];
    },
    answer('200 OK', 'never', []),
  ]);
  await app({ REQUEST_METHOD: 'GET', PATH_INFO: '/', SCRIPT_NAME: '' } as Environ, (status) => (sent.push(status), () => {}));
  expect(sentBeforeReturn).toEqual(['200 OK']);
  expect(sent).toEqual(['200 OK']);
});

test("write() output of a discarded attempt is dropped, the winner's is sent first", async () => {
  function writer(status: string, text: string): Application {
    return function writerApp(_environ, startResponse) {
      const write = startResponse(status, [['Content-Type', 'text/plain']]);
      write(Buffer.from(text));
      return [Buffer.from('+body')];
    };
  }
  const res = await testClient(cascade([writer('404 Not Found', 'lost'), writer('200 OK', 'kept')])).get('/');
  expect(res.text).toBe('kept+body');
});

test.each([false, true])('SCRIPT_NAME, PATH_INFO and routing args are put back between attempts (throwHttpErrors: %s)', async (throwHttpErrors) => {
  const mounted = urlMap({ '/a': router({ throwHttpErrors }).get('/:x/missing', answer('200 OK', 'never', [])) });
  const second = router().get('/a/:y', function check(environ, startResponse) {
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    return [Buffer.from(JSON.stringify([environ.SCRIPT_NAME, environ.PATH_INFO, environ['wsgiorg.routing_args']]))];
  });
  const res = await testClient(cascade([mounted, second])).get('/a/b');
  expect(res.json()).toEqual(['', '/a/b', [[], { y: 'b' }]]);
});

test('routers cascade on 404 and 405', async () => {
  const api = router().post('/things', answer('201 Created', 'made', []));
  const pages = router().get('/things', answer('200 OK', 'page', [])).get('/about', answer('200 OK', 'about', []));
  const c = testClient(cascade([api, pages]));
  expect((await c.post('/things')).status).toBe(201);
  expect((await c.get('/things')).text).toBe('page'); // api said 405
  expect((await c.get('/about')).text).toBe('about'); // api said 404
});

/** An app that throws `error` the way `how` says: before returning, as a rejection, or from its lazy body. */
function thrower(how: 'sync' | 'rejected' | 'lazy', error: unknown, closes: string[] = []): Application {
  if (how === 'sync') {
    return function syncThrower() {
      throw error;
    };
  }
  if (how === 'rejected') {
    return async function rejectingThrower() {
      await Promise.resolve();
      throw error;
    };
  }
  return function lazyThrower() {
    const body = (async function* () {
      throw error;
      yield new Uint8Array(); // never reached: makes it a generator of chunks
    })();
    return Object.assign(body, { close: () => void closes.push('lazy') });
  };
}

describe.each(['sync', 'rejected', 'lazy'] as const)('a thrown refusal, %s', (how) => {
  test('a thrown 404 or 405 HttpError means "not here": the next app answers', async () => {
    for (const status of [404, 405]) {
      const closes: string[] = [];
      const app = cascade([thrower(how, new HttpError(status), closes), answer('200 OK', 'next', [])]);
      const res = await testClient(app).get('/');
      expect([res.status, res.text]).toEqual([200, 'next']);
      expect(closes).toEqual(how === 'lazy' ? ['lazy'] : []);
    }
  });

  test("the catch list decides: any error whose status is caught falls through, others escape", async () => {
    const gone = Object.assign(new Error('gone'), { status: 410 }); // an http-errors-style error, not core's class
    const falls = cascade([thrower(how, gone), answer('200 OK', 'next', [])], { catch: [410] });
    expect((await testClient(falls).get('/')).text).toBe('next');
    const escapes = cascade([thrower(how, new HttpError(404)), answer('200 OK', 'next', [])], { catch: [405] });
    await expect(testClient(escapes).get('/')).rejects.toMatchObject({ status: 404 });
    const plain = cascade([thrower(how, new Error('boom')), answer('200 OK', 'next', [])]);
    await expect(testClient(plain).get('/')).rejects.toThrow('boom');
  });

  test("the last app's thrown 404 is what escapes", async () => {
    const first = new HttpError(404, 'first');
    const last = new HttpError(404, 'last');
    const app = cascade([thrower(how, first), answer('404 Not Found', 'b', []), thrower(how, last)]);
    await expect(testClient(app).get('/')).rejects.toBe(last);
  });
});

test('routers built with throwHttpErrors cascade like answering ones', async () => {
  const api = router({ throwHttpErrors: true }).post('/things', answer('201 Created', 'made', []));
  const pages = router({ throwHttpErrors: true }).get('/things', answer('200 OK', 'page', [])).get('/about', answer('200 OK', 'about', []));
  const c = testClient(cascade([api, pages]));
  expect((await c.post('/things')).status).toBe(201);
  expect((await c.get('/things')).text).toBe('page'); // api threw 405
  expect((await c.get('/about')).text).toBe('about'); // api threw 404
  await expect(c.get('/nowhere')).rejects.toMatchObject({ status: 404 }); // pages' own 404
});

test('errors propagate, after the body is closed', async () => {
  const closed: string[] = [];
  const broken: Application = function broken() {
    return Object.assign(
      {
        [Symbol.iterator]: (): Iterator<Uint8Array> => ({
          next() {
            throw new Error('boom');
          },
        }),
      },
      { close: () => void closed.push('broken') },
    );
  };
  const app = cascade([broken, answer('200 OK', 'b', [])]);
  await expect(testClient(app).get('/')).rejects.toThrow('boom');
  expect(closed).toEqual(['broken']);
});

test('bad arguments throw TypeErrors', () => {
  expect(() => cascade([])).toThrow(TypeError);
  expect(() => cascade([1 as unknown as Application])).toThrow(TypeError);
  expect(() => cascade([answer('200 OK', 'x', [])], { catch: [99] })).toThrow(/catch/);
});

test('a route matched by an app that then answered 404 is not left for the app that serves the request', async () => {
  let seen: unknown = 'not called';
  const users = router().get('/users/:id', (_environ, start) => {
    start('404 Not Found', [['Content-Type', 'text/plain']]);
    return [new TextEncoder().encode('no such user')];
  });
  const fallback: Application = (environ, start) => {
    seen = environ['tsgi.route'];
    start('200 OK', [['Content-Type', 'text/plain']]);
    return [new TextEncoder().encode('fallback')];
  };
  const res = await testClient(cascade([users, fallback])).get('/users/7');
  expect(res.text).toBe('fallback');
  expect(seen).toBeUndefined();
});
