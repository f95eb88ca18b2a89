import { HttpError, type Application, type Body, type Environ, type ResponseHeaders } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { timeout, timeoutSignal, type RequestTimeout, type TimeoutOptions } from './index.js';

const TEXT: ResponseHeaders = [['Content-Type', 'text/plain']];
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const MESSAGE_100 = 'the application did not start its response within 100 ms\n';

/** A body that counts its close() calls. */
function counted(parts: string[], closes: { n: number }): Body {
  return Object.assign(parts.map(enc), { close: () => void closes.n++ });
}

/** Resolves after `ms` of the (fake) clock. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});
afterEach(() => {
  jest.useRealTimers();
});

/** Sends one request while advancing the fake clock by `advance` ms in small steps. */
async function run(app: Application, options: TimeoutOptions, advance = 0, init: { method?: string; catchErrors?: boolean } = {}) {
  const client = testClient(timeout(options)(app), { catchErrors: init.catchErrors ?? false });
  const pending = client.request(init.method ?? 'GET', '/');
  // Catch now; rethrown below after the clock moved (an early rejection is not "unhandled").
  const settled = pending.then(
    (res) => ({ res }),
    (error: unknown) => ({ error }),
  );
  for (let t = 0; t < advance; t += 10) await jest.advanceTimersByTimeAsync(10);
  const outcome = await settled;
  if ('error' in outcome) throw outcome.error;
  return outcome.res;
}

describe('timeout(): responses that start in time pass untouched, and leave no timer', () => {
  test('a sync array app: the same array handed up, no timer armed', async () => {
    const body = [enc('hi')];
    let returned: unknown;
    const inner = timeout({ ms: 100 })((_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return body;
    });
    const res = await testClient((environ, startResponse) => (returned = inner(environ, startResponse))).get('/');
    expect([res.status, res.text, returned === body]).toEqual([200, 'hi', true]);
    expect(jest.getTimerCount()).toBe(0);
  });

  test.each([
    ['an async app', (async (_e, startResponse) => {
      await sleep(50);
      startResponse('200 OK', TEXT);
      return [enc('late but in time')];
    }) as Application],
    ['a lazy generator that starts from its first iteration', ((_e, startResponse) =>
      (async function* () {
        await sleep(50);
        startResponse('200 OK', TEXT);
        yield enc('late but in time');
      })()) as Application],
  ])('%s answering at 50 ms of 100: 200, and the timer is cleared', async (_name, app) => {
    const res = await run(app, { ms: 100 }, 60);
    expect([res.status, res.text]).toEqual([200, 'late but in time']);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a stream that started in time is not cut, however long it then takes', async () => {
    const app: Application = async (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return (async function* () {
        for (let i = 0; i < 5; i++) {
          await sleep(80);
          yield enc(`${i}`);
        }
      })();
    };
    const res = await run(app, { ms: 100 }, 500);
    expect([res.status, res.text]).toEqual([200, '01234']);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('an app that fails in time: its error travels on, the timer is cleared', async () => {
    const app: Application = async () => {
      await sleep(10);
      throw new Error('db down');
    };
    await expect(run(app, { ms: 100 }, 20)).rejects.toThrow('db down');
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a thousand async requests leave no timer behind', async () => {
    const app = timeout({ ms: 1000 })(async (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return [enc('ok')];
    });
    const client = testClient(app);
    const statuses = await Promise.all(Array.from({ length: 1000 }, () => client.get('/').then((res) => res.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('timeout(): an app that has not started in time', () => {
  test('an async app: 504 with a one-line reason at the limit; its body, when it comes, is closed', async () => {
    const closes = { n: 0 };
    let environ: Environ | undefined;
    const app: Application = async (env, startResponse) => {
      environ = env;
      await sleep(300);
      startResponse('200 OK', TEXT);
      return counted(['too late'], closes);
    };
    const res = await run(app, { ms: 100 }, 110);
    expect([res.statusLine, res.header('content-type'), res.text]).toEqual(['504 Gateway Timeout', 'text/plain; charset=utf-8', MESSAGE_100]);
    expect((environ!['tsgi.timeout'] as RequestTimeout).timedOut).toBe(true);
    expect(closes.n).toBe(0);
    let written = '';
    environ!['wsgi.errors'] = { ...environ!['wsgi.errors'], write: (text: string) => void (written += text) };
    await jest.advanceTimersByTimeAsync(250);
    expect(closes.n).toBe(1);
    expect(written).toBe(''); // a late answer is no error
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a lazy generator still working on its first chunk: 504, and the generator is ended (finally runs)', async () => {
    let finished = false;
    const app: Application = (_e, startResponse) =>
      (async function* () {
        try {
          await sleep(300);
          startResponse('200 OK', TEXT);
          yield enc('too late');
        } finally {
          finished = true;
        }
      })();
    const res = await run(app, { ms: 100 }, 110);
    expect(res.status).toBe(504);
    await jest.advanceTimersByTimeAsync(250);
    expect(finished).toBe(true);
  });

  test('an app that called startResponse but has not returned: the 504 replaces its status, nothing of it is sent', async () => {
    const app: Application = async (_e, startResponse) => {
      startResponse('200 OK', [...TEXT, ['X-From-App', 'yes']]);
      await sleep(300);
      return [enc('too late')];
    };
    const res = await run(app, { ms: 100 }, 110);
    expect([res.status, res.header('x-from-app'), res.text]).toEqual([504, undefined, MESSAGE_100]);
    await jest.advanceTimersByTimeAsync(250);
  });

  test('the signal aborts at the limit with a TimeoutError, read before or after; it stays quiet for a fast app', async () => {
    const signals: AbortSignal[] = [];
    let readLate: (() => AbortSignal) | undefined;
    const slow: Application = async (environ, startResponse) => {
      signals.push(timeoutSignal(environ)!);
      readLate = () => timeoutSignal(environ)!;
      await sleep(300);
      startResponse('200 OK', TEXT);
      return [];
    };
    await run(slow, { ms: 100 }, 110);
    expect(signals[0]!.aborted).toBe(true);
    expect((signals[0]!.reason as DOMException).name).toBe('TimeoutError');
    expect((signals[0]!.reason as DOMException).message).toBe(MESSAGE_100.trim());
    expect(readLate!().aborted).toBe(true);
    await jest.advanceTimersByTimeAsync(250);

    let fastSignal: AbortSignal | undefined;
    await run(async (environ, startResponse) => {
      fastSignal = timeoutSignal(environ);
      startResponse('200 OK', TEXT);
      return [];
    }, { ms: 100 }, 200);
    expect(fastSignal!.aborted).toBe(false);
  });

  test('an app that fails after the 504: its error goes to wsgi.errors, nowhere else', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let environ: Environ | undefined;
      const app: Application = async (env) => {
        environ = env;
        await sleep(300);
        throw new Error('gave up late');
      };
      const res = await run(app, { ms: 100 }, 110);
      expect(res.status).toBe(504);
      let written = '';
      const errors = environ!['wsgi.errors'];
      environ!['wsgi.errors'] = { ...errors, write: (text: string) => void (written += text) };
      await jest.advanceTimersByTimeAsync(250);
      await new Promise((resolve) => setImmediate(resolve));
      expect(written).toMatch(/^timeout\(\): the app failed after its 100 ms were up and the 504 was sent: Error: gave up late/);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('an app that gives up because the signal told it to (rejecting with its reason, or an error caused by it) is no error', async () => {
    for (const wrap of [(reason: unknown) => reason, (reason: unknown) => new Error('query cancelled', { cause: reason })]) {
      let environ: Environ | undefined;
      const app: Application = (env) => {
        environ = env;
        const signal = timeoutSignal(env)!;
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => setTimeout(() => reject(wrap(signal.reason)), 5)));
      };
      let written = '';
      const res = await run(app, { ms: 100 }, 100);
      expect(res.status).toBe(504);
      environ!['wsgi.errors'] = { ...environ!['wsgi.errors'], write: (text: string) => void (written += text) };
      await jest.advanceTimersByTimeAsync(50);
      expect(written).toBe('');
    }
  });

  test('throwHttpErrors: core HttpError 504 for the layer above, the same message', async () => {
    const app: Application = async (_e, startResponse) => {
      await sleep(300);
      startResponse('200 OK', TEXT);
      return [];
    };
    const error = await run(app, { ms: 100, throwHttpErrors: true }, 110).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect([(error as HttpError).status, (error as HttpError).message, (error as HttpError).expose]).toEqual([504, MESSAGE_100.trim(), true]);
    await jest.advanceTimersByTimeAsync(250);
  });

  test('the time the app spent before returning its promise counts', async () => {
    const app: Application = (_e, startResponse) => {
      jest.advanceTimersByTime(80); // a synchronous stretch of 80 ms
      return sleep(40).then(() => {
        startResponse('200 OK', TEXT);
        return [enc('too late')];
      });
    };
    const res = await run(app, { ms: 100 }, 30);
    expect(res.status).toBe(504);
  });
});

describe('timeout(): options', () => {
  test.each([
    [{ ms: 0 }, 'timeout: option ms must be a whole number of milliseconds from 1 to 2147483647, got 0'],
    [{ ms: 1.5 }, 'timeout: option ms must be a whole number of milliseconds from 1 to 2147483647, got 1.5'],
    [{ ms: 2 ** 31 }, 'timeout: option ms must be a whole number of milliseconds from 1 to 2147483647, got 2147483648'],
    [{ ms: '100' }, 'timeout: option ms must be a whole number of milliseconds from 1 to 2147483647, got "100"'],
    [{ throwHttpErrors: 'yes' }, 'timeout: throwHttpErrors must be true or false, got yes'],
  ])('%j is refused at factory time', (options, message) => {
    expect(() => timeout(options as never)).toThrow(new TypeError(message));
  });

  test('the default is 30 s, and no timer is armed at factory time', () => {
    timeout();
    expect(jest.getTimerCount()).toBe(0);
  });
});
