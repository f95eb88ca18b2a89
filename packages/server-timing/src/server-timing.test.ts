import type { Application, Environ, ResponseHeaders } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { NO_TIMING, serverTiming, serverTimingOf, type ServerTimingOptions } from './index.js';

const TEXT: ResponseHeaders = [['Content-Type', 'text/plain']];
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});
afterEach(() => {
  jest.useRealTimers();
});

/** One request, the fake clock advanced by `advance` ms while it runs. */
async function run(app: Application, options: ServerTimingOptions = {}, advance = 0) {
  const pending = testClient(serverTiming(options)(app)).get('/');
  for (let t = 0; t < advance; t += 10) await jest.advanceTimersByTimeAsync(10);
  return pending;
}

const ok = (body = 'ok'): Application =>
  function okApp(_environ, startResponse) {
    startResponse('200 OK', TEXT);
    return [enc(body)];
  };

describe('serverTiming(): the header', () => {
  test('by default: the app time as app;dur=, one decimal', async () => {
    const app: Application = async (environ, startResponse) => {
      await sleep(50);
      return ok()(environ, startResponse);
    };
    const res = await run(app, {}, 60);
    expect(res.header('server-timing')).toBe('app;dur=50');
  });

  test('a lazy app: the time to its first chunk counts', async () => {
    const app: Application = (_environ, startResponse) =>
      (async function* () {
        await sleep(30);
        startResponse('200 OK', TEXT);
        yield enc('a');
        await sleep(30); // streaming time is not the app's answer time
        yield enc('b');
      })();
    const res = await run(app, {}, 70);
    expect([res.text, res.header('server-timing')]).toEqual(['ab', 'app;dur=30']);
  });

  test("the app's metrics: add, start/end, time (sync, async, throwing), in order, then app", async () => {
    const app: Application = async (environ, startResponse) => {
      const timing = serverTimingOf(environ);
      timing.add('cache', undefined, 'miss');
      timing.add('db', 12.345, 'users query');
      timing.start('render', 'html');
      await sleep(20);
      timing.end('render');
      expect(await timing.time('sum', () => 1 + 1)).toBe(2);
      await timing.time('fetch', () => sleep(10), 'upstream');
      await expect(timing.time('broken', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
      return ok()(environ, startResponse);
    };
    const res = await run(app, {}, 40);
    expect(res.header('server-timing')).toBe(
      'cache;desc="miss", db;dur=12.3;desc="users query", render;dur=20;desc="html", sum;dur=0, fetch;dur=10;desc="upstream", broken;dur=0, app;dur=30',
    );
  });

  test('descriptions: quotes and backslashes escaped, what a header cannot carry replaced', async () => {
    const app: Application = (environ, startResponse) => {
      serverTimingOf(environ).add('q', 1, 'say "hi" \\ to caf\u00e9 \u2603\r\nX-Evil: 1');
      return ok()(environ, startResponse);
    };
    const res = await run(app, { total: false });
    expect(res.header('server-timing')).toBe('q;dur=1;desc="say \\"hi\\" \\\\ to caf\u00e9 ???X-Evil: 1"');
    expect(res.header('x-evil')).toBeUndefined();
  });

  test('precision 0 and 3', async () => {
    const app: Application = (environ, startResponse) => {
      serverTimingOf(environ).add('x', 1.23456);
      return ok()(environ, startResponse);
    };
    expect((await run(app, { precision: 0, total: false })).header('server-timing')).toBe('x;dur=1');
    expect((await run(app, { precision: 3, total: false })).header('server-timing')).toBe('x;dur=1.235');
  });

  test('a metric started but not ended is not sent; metrics added while streaming are dropped', async () => {
    const app: Application = (environ, startResponse) => {
      const timing = serverTimingOf(environ);
      timing.start('never-ended');
      startResponse('200 OK', TEXT);
      return (async function* () {
        yield enc('a');
        timing.add('too-late', 5);
        yield enc('b');
      })();
    };
    const res = await run(app, { total: false });
    expect([res.text, res.header('server-timing')]).toEqual(['ab', undefined]);
  });

  test("the app's own Server-Timing is kept, this layer's goes after it; Timing-Allow-Origin with crossOrigin", async () => {
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', [...TEXT, ['Server-Timing', 'edge;dur=1']]);
      return [];
    };
    const res = await run(app, { crossOrigin: '*' });
    expect(res.headerValues('server-timing')).toEqual(['edge;dur=1', 'app;dur=0']);
    expect(res.header('timing-allow-origin')).toBe('*');
    const own: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Timing-Allow-Origin', 'https://a.example']]);
      return [];
    };
    expect((await run(own, { crossOrigin: '*' })).headerValues('timing-allow-origin')).toEqual(['https://a.example']);
    expect((await run(ok(), {})).header('timing-allow-origin')).toBeUndefined();
  });

  test('an array body is handed up as the same array; a constant header list is not changed', async () => {
    const body = [enc('same')];
    const shared: ResponseHeaders = [['Content-Type', 'text/plain']];
    let returned: unknown;
    const inner = serverTiming()((_environ, startResponse) => {
      startResponse('200 OK', shared);
      return body;
    });
    const res = await testClient((environ, startResponse) => (returned = inner(environ, startResponse))).get('/');
    expect([returned === body, res.header('server-timing')]).toEqual([true, 'app;dur=0']);
    expect(shared).toEqual([['Content-Type', 'text/plain']]);
  });
});

describe('serverTiming(): enabled', () => {
  test.each([
    ['false', false],
    ['a function saying no', (environ: Environ) => environ.HTTP_X_STAFF === '1'],
  ])('%s: no header, a recorder that does nothing, the app called directly', async (_name, enabled) => {
    let timing: unknown;
    const body = [enc('x')];
    let returned: unknown;
    const inner = serverTiming({ enabled })((environ, startResponse) => {
      timing = environ['tsgi.server_timing'];
      serverTimingOf(environ).add('db', 5);
      startResponse('200 OK', TEXT);
      return body;
    });
    const res = await testClient((environ, startResponse) => (returned = inner(environ, startResponse))).get('/');
    expect([res.header('server-timing'), timing, returned === body]).toEqual([undefined, NO_TIMING, true]);
  });

  test('a function saying yes for this request', async () => {
    const enabled = (environ: Environ): boolean => environ.HTTP_X_STAFF === '1';
    const res = await testClient(serverTiming({ enabled })(ok())).get('/', { headers: { 'X-Staff': '1' } });
    expect(res.header('server-timing')).toBe('app;dur=0');
  });

  test('total: false and no metrics: no header at all', async () => {
    expect((await run(ok(), { total: false })).header('server-timing')).toBeUndefined();
  });

  test('without serverTiming() above, serverTimingOf() is the recorder that does nothing', async () => {
    let timing: unknown;
    await testClient((environ, startResponse) => {
      timing = serverTimingOf(environ);
      serverTimingOf(environ).start('x');
      serverTimingOf(environ).end('y');
      return ok()(environ, startResponse);
    }).get('/');
    expect(timing).toBe(NO_TIMING);
    await expect(NO_TIMING.time('x', () => 7)).resolves.toBe(7);
  });
});

describe('serverTiming(): mistakes', () => {
  test.each([
    [(environ: Environ) => serverTimingOf(environ).add('has space', 1), "serverTiming: add() takes a metric name made of token characters (such as 'db' or 'cache.read'), got \"has space\""],
    [(environ: Environ) => serverTimingOf(environ).add('db', -1), 'serverTiming: add() takes a duration in milliseconds >= 0, got -1 for "db"'],
    [(environ: Environ) => serverTimingOf(environ).add('db', NaN), 'serverTiming: add() takes a duration in milliseconds >= 0, got NaN for "db"'],
    [(environ: Environ) => serverTimingOf(environ).add('db', 1, 7 as never), 'serverTiming: add() takes a description string, got number for "db"'],
    [(environ: Environ) => serverTimingOf(environ).end('db'), 'serverTiming: end("db") without start("db")'],
    [(environ: Environ) => serverTimingOf(environ).start(''), "serverTiming: start() takes a metric name made of token characters (such as 'db' or 'cache.read'), got \"\""],
  ])('%#: a TypeError saying what was wrong', async (mistake, message) => {
    const app: Application = (environ, startResponse) => {
      mistake(environ);
      return ok()(environ, startResponse);
    };
    await expect(testClient(serverTiming()(app)).get('/')).rejects.toThrow(new TypeError(message));
  });

  test.each([
    [{ enabled: 'yes' }, "serverTiming: option enabled must be true, false or a function (environ) => boolean, got \"yes\""],
    [{ total: 1 }, 'serverTiming: option total must be true or false, got 1'],
    [{ crossOrigin: true }, "serverTiming: option crossOrigin must be false, '*' or an origin, got true"],
    [{ crossOrigin: 'a b' }, "serverTiming: option crossOrigin must be false, '*' or an origin, got \"a b\""],
    [{ precision: 7 }, 'serverTiming: option precision must be an integer from 0 to 6, got 7'],
  ])('%j is refused at factory time', (options, message) => {
    expect(() => serverTiming(options as never)).toThrow(new TypeError(message));
  });
});
