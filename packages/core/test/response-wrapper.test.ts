import {
  DISCARD,
  wrapResponse,
  type Application,
  type Body,
  type Environ,
  type ResponseHooks,
  type StartResponse,
} from '@tsgi/core';
import { ResponseError } from '@tsgi/core/gateway';
import { testClient } from '@tsgi/testing';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const TEXT: Array<[string, string]> = [['Content-Type', 'text/plain']];

/** What the hooks saw during one request. */
interface Seen {
  starts: string[];
  chunks: number;
  ends: Array<'done' | string>;
  closes: number;
}
const fresh = (): Seen => ({ starts: [], chunks: 0, ends: [], closes: 0 });

/** A middleware on the wrapper whose state is the Seen record of the request. */
function wrapWith(hooks: ResponseHooks<Seen>, seen: Seen): (app: Application) => Application {
  return (app) => (environ: Environ, startResponse: StartResponse) => wrapResponse(app, environ, startResponse, hooks, seen);
}

/** The three body kinds, each counting its own close(). */
function bodies(parts: string[], closed: { n: number }): Record<string, () => Body> {
  return {
    array: () => Object.assign(parts.map(enc), { close: () => void closed.n++ }),
    sync: () =>
      Object.assign((function* () { for (const p of parts) yield enc(p); })(), { close: () => void closed.n++ }),
    async: () =>
      Object.assign((async function* () { for (const p of parts) yield enc(p); })(), { close: () => void closed.n++ }),
  };
}

describe('wrapResponse: start hook', () => {
  const hooks: ResponseHooks<Seen> = {
    start(head, seen) {
      seen.starts.push(head.status);
      head.headers.push(['X-Frame-Options', 'DENY']);
    },
  };

  test('adds a header and hands an array body up as the same object', async () => {
    const body = [enc('hi')];
    let returned: unknown;
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return body;
    };
    const seen = fresh();
    const outer: Application = (environ, start) => (returned = wrapWith(hooks, seen)(app)(environ, start));
    const res = await testClient(outer).get('/');
    expect(res.header('x-frame-options')).toBe('DENY');
    expect(res.text).toBe('hi');
    expect(returned).toBe(body);
    expect(seen.starts).toEqual(['200 OK']);
  });

  test('a lazy generator app that starts from its first iteration gets the header too', async () => {
    const app: Application = (_e, start) =>
      (function* () {
        start('201 Created', [...TEXT]);
        yield enc('a');
        yield enc('b');
      })();
    const seen = fresh();
    const res = await testClient(wrapWith(hooks, seen)(app)).get('/');
    expect(res.status).toBe(201);
    expect(res.header('x-frame-options')).toBe('DENY');
    expect(res.text).toBe('ab');
  });
});

describe('wrapResponse: chunk, end and close hooks on every body kind', () => {
  const hooks: ResponseHooks<Seen> = {
    chunk(chunk, seen) {
      seen.chunks++;
      return enc(new TextDecoder().decode(chunk).toUpperCase());
    },
    end(seen, error) {
      seen.ends.push(error === undefined ? 'done' : String((error as Error).message));
    },
    close(seen) {
      seen.closes++;
    },
  };

  for (const kind of ['array', 'sync', 'async'] as const) {
    test(`${kind}: chunks changed, end once, inner close and hook close once each`, async () => {
      const closed = { n: 0 };
      const make = bodies(['ab', 'cd'], closed)[kind]!;
      const app: Application = (_e, start) => {
        start('200 OK', [...TEXT]);
        return make();
      };
      const seen = fresh();
      const res = await testClient(wrapWith(hooks, seen)(app)).get('/');
      expect(res.text).toBe('ABCD');
      expect(seen.chunks).toBe(2);
      expect(seen.ends).toEqual(['done']);
      expect(closed.n).toBe(1);
      expect(seen.closes).toBe(1);
      expect(res.closeCalls).toBe(1);
    });
  }

  test('write() chunks go through the chunk hook', async () => {
    const app: Application = (_e, start) => {
      const write = start('200 OK', [...TEXT]);
      write(enc('xy'));
      return [enc('z')];
    };
    const seen = fresh();
    const res = await testClient(wrapWith(hooks, seen)(app)).get('/');
    expect(res.text).toBe('XYZ');
  });

  test('a body that throws: end sees the error, close still runs once, the error travels on', async () => {
    const closed = { n: 0 };
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return Object.assign(
        (async function* () {
          yield enc('');
          throw new Error('boom');
        })(),
        { close: () => void closed.n++ },
      );
    };
    const seen = fresh();
    const res = await testClient(wrapWith(hooks, seen)(app), { catchErrors: true }).get('/');
    expect(res.status).toBe(500);
    expect(seen.ends).toEqual(['boom']);
    expect(seen.closes).toBe(1);
    expect(closed.n).toBe(1);
  });

  test('stopped early (the client stops reading): close runs once, end is not called', async () => {
    const closed = { n: 0 };
    let finallyRan = false;
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return Object.assign(
        (async function* () {
          try {
            for (let i = 0; i < 1000; i++) yield enc('0123456789');
          } finally {
            finallyRan = true;
          }
        })(),
        { close: () => void closed.n++ },
      );
    };
    const seen = fresh();
    const res = await testClient(wrapWith(hooks, seen)(app), { maxResponseBytes: 25 }).get('/');
    expect(res.truncated).toBe(true);
    expect(seen.ends).toEqual([]);
    expect(seen.closes).toBe(1);
    expect(closed.n).toBe(1);
    expect(finallyRan).toBe(true);
  });

  test('the close hook runs even when the body close throws, and the close error is not lost', async () => {
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return Object.assign([enc('a')], {
        close: () => {
          throw new Error('close failed');
        },
      });
    };
    const seen = fresh();
    const res = await testClient(wrapWith({ close: hooks.close! }, seen)(app), { lint: false }).get('/').catch((e: Error) => e);
    expect(seen.closes).toBe(1);
    // testClient reports a close() that throws as the request's error.
    expect(res instanceof Error ? res.message : 'resolved').toMatch(/close failed/);
  });
});

describe('wrapResponse: the close hook of a plain array (no close of its own, nothing replaced)', () => {
  const plain: Application = (_e, start) => (start('200 OK', [...TEXT]), [enc('a')]);
  const sink: StartResponse = () => () => undefined;
  const handed = (close: ResponseHooks<Seen>['close']): Body => wrapResponse(plain, {} as Environ, sink, { close }, fresh()) as Body;

  test('runs once, with the state, however often close() is called', () => {
    const states: unknown[] = [];
    const body = handed((state) => void states.push(state));
    expect(body.close!()).toBeUndefined();
    expect(body.close!()).toBeUndefined();
    expect(states).toHaveLength(1);
  });

  test("its error comes out of close(); its Promise is waited for and settles to undefined, or with its rejection", async () => {
    expect(() => handed(() => {
      throw new Error('hook failed');
    }).close!()).toThrow('hook failed');
    let done = false;
    const waited = handed(() => new Promise<void>((resolve) => setTimeout(() => ((done = true), resolve()), 5))).close!();
    expect(done).toBe(false);
    await expect(waited).resolves.toBeUndefined();
    expect(done).toBe(true);
    await expect(handed(() => Promise.reject(new Error('late'))).close!()).rejects.toThrow('late');
  });
});

describe('wrapResponse: respond hook (held responses)', () => {
  test('replaces the body after an async decision; the original is still closed once', async () => {
    const closed = { n: 0 };
    const hooks: ResponseHooks<Seen> = {
      async respond(head, body) {
        await new Promise((r) => setTimeout(r, 1));
        head.status = '203 Non-Authoritative Information';
        head.headers = head.headers.filter(([n]) => n.toLowerCase() !== 'content-length');
        const replacement: Body = [enc('replaced')];
        return body === replacement ? body : replacement;
      },
      close(seen) {
        seen.closes++;
      },
    };
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT, ['Content-Length', '8']]);
      return bodies(['original'], closed).async!();
    };
    const seen = fresh();
    const res = await testClient(wrapWith(hooks, seen)(app)).get('/');
    expect(res.status).toBe(203);
    expect(res.text).toBe('replaced');
    expect(closed.n).toBe(1);
    expect(seen.closes).toBe(1);
  });

  test('write() calls made while held are sent after the head, in order', async () => {
    const hooks: ResponseHooks<Seen> = { respond: (_head, body) => body };
    const app: Application = (_e, start) => {
      const write = start('200 OK', [...TEXT]);
      write(enc('1'));
      write(enc('2'));
      return [enc('3')];
    };
    const res = await testClient(wrapWith(hooks, fresh())(app)).get('/');
    expect(res.text).toBe('123');
  });

  test('a lazy app: the first chunk is pulled to learn the head, and sent first', async () => {
    const seenHeads: string[] = [];
    const hooks: ResponseHooks<Seen> = {
      respond(head, body) {
        seenHeads.push(head.status);
        head.headers.push(['X-Held', '1']);
        return body;
      },
    };
    let closed = 0;
    const app: Application = (_e, start) =>
      Object.assign(
        (async function* () {
          start('200 OK', [...TEXT]);
          yield enc('first;');
          yield enc('second');
        })(),
        { close: () => void closed++ },
      );
    const res = await testClient(wrapWith(hooks, fresh())(app)).get('/');
    expect(seenHeads).toEqual(['200 OK']);
    expect(res.header('x-held')).toBe('1');
    expect(res.text).toBe('first;second');
    expect(closed).toBe(1);
  });

  test('excInfo before anything was sent replaces the held head', async () => {
    const hooks: ResponseHooks<Seen> = { respond: (_head, _body) => [enc('error page')] };
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      start('500 Internal Server Error', [...TEXT], new Error('x'));
      return [enc('ignored')];
    };
    const res = await testClient(wrapWith(hooks, fresh())(app)).get('/');
    expect(res.status).toBe(500);
    expect(res.text).toBe('error page');
  });

  test('a second startResponse without excInfo is the PEP 3333 error, while held too', async () => {
    const hooks: ResponseHooks<Seen> = { respond: (_head, body) => body };
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      start('201 Created', [...TEXT]);
      return [];
    };
    const error = await testClient(wrapWith(hooks, fresh())(app), { lint: false }).get('/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).rule).toBe('start-response.twice');
  });

  test('a respond hook that throws: the app body is closed and the error travels on', async () => {
    const closed = { n: 0 };
    const hooks: ResponseHooks<Seen> = {
      respond() {
        throw new Error('store down');
      },
    };
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return bodies(['x'], closed).sync!();
    };
    const res = await testClient(wrapWith(hooks, fresh())(app), { catchErrors: true }).get('/');
    expect(res.status).toBe(500);
    expect(closed.n).toBe(1);
  });
});

/** Calls `app` with a startResponse that records what went up, outside any gateway. */
function direct(app: Application, calls: string[] = [], writes: string[] = []): { calls: string[]; writes: string[]; result: Body | Promise<Body> } {
  const start: StartResponse = (status) => {
    calls.push(status);
    return (chunk) => void writes.push(new TextDecoder().decode(chunk));
  };
  return { calls, writes, result: app({ REQUEST_METHOD: 'GET' } as Environ, start) };
}

describe('wrapResponse: hold (deciding at startResponse)', () => {
  const respondSeen: string[] = [];
  const hooks: ResponseHooks<Seen> = {
    hold(head) {
      if (head.status.startsWith('200')) return true;
      head.headers = [...head.headers, ['X-Unheld', '1']];
      return false;
    },
    respond(head, body) {
      respondSeen.push(head.status);
      return body;
    },
  };

  test('a head not held goes up at once, changed, and respond is not called; the array stays the same object', () => {
    respondSeen.length = 0;
    const body = [enc('x')];
    const calls: string[] = [];
    let sentBeforeReturn: string[] = [];
    const app: Application = (_e, start) => {
      start('404 Not Found', [...TEXT]);
      sentBeforeReturn = calls.slice();
      return body;
    };
    const run = direct(wrapWith(hooks, fresh())(app), calls);
    expect(run.result).toBe(body);
    expect(sentBeforeReturn).toEqual(['404 Not Found']);
    expect(respondSeen).toEqual([]);
  });

  test('a held head waits for the body and goes through respond', async () => {
    respondSeen.length = 0;
    const res = await testClient(wrapWith(hooks, fresh())((_e, start) => (start('200 OK', [...TEXT]), [enc('y')]))).get('/');
    expect(res.text).toBe('y');
    expect(respondSeen).toEqual(['200 OK']);
  });

  test('a lazy app whose head is not held: its first chunk is sent first, respond is not called', async () => {
    respondSeen.length = 0;
    let closed = 0;
    const lazy404: Application = (_e, start) =>
      Object.assign(
        (async function* () {
          start('404 Not Found', [...TEXT]);
          yield enc('gone;');
          yield enc('really');
        })(),
        { close: () => void closed++ },
      );
    const res = await testClient(wrapWith(hooks, fresh())(lazy404)).get('/');
    expect([res.status, res.header('x-unheld'), res.text]).toEqual([404, '1', 'gone;really']);
    expect(respondSeen).toEqual([]);
    expect(closed).toBe(1);
  });
});

describe('wrapResponse: write() while held', () => {
  test('a replacement body takes the writes (later ones too); the app body is closed once', async () => {
    const closed = { n: 0 };
    let later: (() => void) | undefined;
    const hooks: ResponseHooks<Seen> = {
      respond(_head, _body, _seen, written) {
        // A body that reads the written list as it goes, as gzip's compressor does.
        return (async function* () {
          await new Promise<void>((resolve) => (later = resolve));
          for (let chunk = written.shift(); chunk !== undefined; chunk = written.shift()) yield enc(`[${new TextDecoder().decode(chunk)}]`);
        })();
      },
    };
    let write: ((chunk: Uint8Array) => void) | undefined;
    const app: Application = (_e, start) => {
      write = start('200 OK', [...TEXT]);
      write(enc('a'));
      return bodies(['ignored'], closed).sync!();
    };
    const pending = testClient(wrapWith(hooks, fresh())(app)).get('/');
    await new Promise((r) => setTimeout(r, 10));
    write!(enc('b')); // after the head went up: still the replacement's
    later!();
    const res = await pending;
    expect(res.text).toBe('[a][b]');
    expect(closed.n).toBe(1);
  });

  test('passOnWrite: a write() sends the held head up as it is, and respond is not called', () => {
    let responded = 0;
    const hooks: ResponseHooks<Seen> = {
      passOnWrite: true,
      respond: () => (responded++, [enc('replaced')]),
    };
    const app: Application = (_e, start) => {
      const write = start('200 OK', [...TEXT]);
      write(enc('streamed'));
      return [enc('+rest')];
    };
    const run = direct(wrapWith(hooks, fresh())(app));
    expect(run.calls).toEqual(['200 OK']);
    expect(run.writes).toEqual(['streamed']);
    expect(responded).toBe(0);
    expect((run.result as Uint8Array[]).map((c) => new TextDecoder().decode(c))).toEqual(['+rest']);
  });

  test('a respond hook that returns DISCARD drops the response: nothing goes up, writes and late calls ignored, body closed', () => {
    const closed = { n: 0 };
    const hooks: ResponseHooks<Seen> = { respond: () => DISCARD };
    let write: ((chunk: Uint8Array) => void) | undefined;
    let start: StartResponse | undefined;
    const app: Application = (_e, sr) => {
      start = sr;
      write = sr('404 Not Found', [...TEXT]);
      write(enc('lost'));
      return bodies(['x'], closed).array!();
    };
    const run = direct(wrapWith(hooks, fresh())(app));
    expect(run.result).toBe(DISCARD);
    write!(enc('late'));
    start!('500 Internal Server Error', [], new Error('late'));
    expect(run.calls).toEqual([]);
    expect(run.writes).toEqual([]);
    expect(closed.n).toBe(1);
  });

  test('a respond hook that throws drops the response: nothing went up, writes discarded, body closed', async () => {
    const closed = { n: 0 };
    const dropped = { dropped: true };
    const hooks: ResponseHooks<Seen> = {
      respond() {
        throw dropped;
      },
    };
    const app: Application = (_e, start) => {
      start('404 Not Found', [...TEXT])(enc('lost'));
      return bodies(['x'], closed).array!();
    };
    const run = direct(wrapWith(hooks, fresh())(app));
    await expect(run.result).rejects.toBe(dropped);
    expect(run.calls).toEqual([]);
    expect(run.writes).toEqual([]);
    expect(closed.n).toBe(1);
  });
});

describe('wrapResponse: lazy bodies', () => {
  test('passLazy: a body returned before startResponse goes up unread; its head goes up unheld', async () => {
    let pulled = 0;
    let responded = 0;
    const hooks: ResponseHooks<Seen> = { passLazy: true, respond: (_h, body) => (responded++, body) };
    const body = {
      async *[Symbol.asyncIterator]() {
        pulled++;
        start!('200 OK', [...TEXT]);
        yield enc('lazy');
      },
    };
    let start: StartResponse | undefined;
    let returned: unknown;
    const app: Application = (_e, sr) => ((start = sr), body);
    const spy: Application = async (environ, sr) => {
      returned = await wrapWith(hooks, fresh())(app)(environ, sr);
      expect(pulled).toBe(0);
      return returned as Body;
    };
    const res = await testClient(spy).get('/');
    expect(returned).toBe(body);
    expect([res.status, res.text, responded]).toEqual([200, 'lazy', 0]);
  });

  test('a lazy body that ends at its first step reaches respond as an empty array, and is closed once', async () => {
    let seenBody: unknown;
    let closed = 0;
    const hooks: ResponseHooks<Seen> = { respond: (_h, body) => ((seenBody = body), body) };
    const app: Application = (_e, start) =>
      Object.assign(
        (function* (): Generator<Uint8Array> {
          start('204 No Content', []);
          yield* [];
        })(),
        { close: () => void closed++ },
      );
    const res = await testClient(wrapWith(hooks, fresh())(app)).get('/');
    expect(res.status).toBe(204);
    expect(Array.isArray(seenBody) && (seenBody as unknown[]).length).toBe(0);
    expect(closed).toBe(1);
  });
});

describe('wrapResponse: recover', () => {
  const recovering: ResponseHooks<Seen> = {
    recover(error, startResponse, seen) {
      seen.ends.push(`recovered ${(error as Error).message}`);
      startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], error);
      return [enc(`sorry: ${(error as Error).message}`)];
    },
  };
  const boom = (): never => {
    throw new Error('boom');
  };

  const failing: Record<string, (closed: { n: number }) => Application> = {
    'a sync throw': () => () => boom(),
    'a rejected promise': () => async () => boom(),
    'a sync body throwing before its first byte': (closed) => (_e, start) => {
      start('200 OK', [...TEXT]);
      return Object.assign((function* () { yield enc(''); boom(); })(), { close: () => void closed.n++ });
    },
    'an async body throwing before its first byte': (closed) => (_e, start) => {
      start('200 OK', [...TEXT]);
      return Object.assign((async function* () { yield enc(''); boom(); })(), { close: () => void closed.n++ });
    },
  };

  for (const [what, make] of Object.entries(failing)) {
    test(`${what}: answered by recover through startResponse(excInfo); the failed body is closed once`, async () => {
      const closed = { n: 0 };
      const seen = fresh();
      const res = await testClient(wrapWith(recovering, seen)(make(closed))).get('/');
      expect([res.status, res.text]).toEqual([500, 'sorry: boom']);
      expect(seen.ends).toEqual(['recovered boom']);
      expect(closed.n).toBe(what.includes('body') ? 1 : 0);
      expect(res.closeCalls).toBe(1);
    });
  }

  test('a lazy app failing at its first pull while held is recovered, and its body closed', async () => {
    let closed = 0;
    const hooks: ResponseHooks<Seen> = { ...recovering, respond: (_h, body) => body };
    const app: Application = () =>
      Object.assign(
        (async function* () {
          boom();
          yield enc('never');
        })(),
        { close: () => void closed++ },
      );
    const res = await testClient(wrapWith(hooks, fresh())(app)).get('/');
    expect([res.status, res.text, closed]).toEqual([500, 'sorry: boom', 1]);
  });

  test('after a non-empty chunk went up the error travels on: no second status', async () => {
    const seen = fresh();
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return (async function* () {
        yield enc('partial');
        boom();
      })();
    };
    await expect(testClient(wrapWith(recovering, seen)(app)).get('/')).rejects.toThrow('boom');
    expect(seen.ends).toEqual([]);
  });

  test('a recover hook that throws hands the error on', async () => {
    const hooks: ResponseHooks<Seen> = {
      recover(error) {
        throw error;
      },
    };
    await expect(testClient(wrapWith(hooks, fresh())(() => boom())).get('/')).rejects.toThrow('boom');
  });
});

describe('wrapResponse: pull hook (each step of the iteration in the middleware context)', () => {
  /** A stand-in for a context manager: the value the code running now sees. */
  let current = 'none';
  function within<R>(value: string, fn: () => R): R {
    const before = current;
    current = value;
    try {
      return fn();
    } finally {
      current = before;
    }
  }
  const hooks: ResponseHooks<{ id: string; steps: number }> = {
    pull(state, step) {
      state.steps++;
      return within(state.id, step);
    },
  };
  const wrap = (state: { id: string; steps: number }) => (app: Application): Application => (environ, start) =>
    wrapResponse(app, environ, start, hooks, state);

  test('a sync generator body runs each step, and its finally, inside the hook', async () => {
    const seen: string[] = [];
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return (function* () {
        try {
          seen.push(current);
          yield enc('a');
          seen.push(current);
          yield enc('b');
        } finally {
          seen.push('finally ' + current);
        }
      })();
    };
    const state = { id: 'req-1', steps: 0 };
    const res = await testClient(wrap(state)(app)).get('/');
    expect(res.text).toBe('ab');
    expect(seen).toEqual(['req-1', 'req-1', 'finally req-1']);
    expect(state.steps).toBe(3);
    expect(current).toBe('none');
  });

  test('an async generator body: code before its first await runs inside the hook at every step', async () => {
    const seen: string[] = [];
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return (async function* () {
        seen.push(current);
        yield enc('a');
        seen.push(current);
        yield enc('b');
      })();
    };
    const state = { id: 'req-2', steps: 0 };
    const res = await testClient(wrap(state)(app)).get('/');
    expect(res.text).toBe('ab');
    expect(seen).toEqual(['req-2', 'req-2']);
    expect(state.steps).toBe(3);
  });

  test('return() of a body stopped early goes through the hook too', async () => {
    let finallySaw = '';
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return (function* () {
        try {
          for (let i = 0; i < 1000; i++) yield enc('0123456789');
        } finally {
          finallySaw = current;
        }
      })();
    };
    const res = await testClient(wrap({ id: 'req-3', steps: 0 })(app), { maxResponseBytes: 25 }).get('/');
    expect(res.truncated).toBe(true);
    expect(finallySaw).toBe('req-3');
  });

  test('an array body is handed up as it is: there are no steps', async () => {
    const body = [enc('x')];
    let returned: unknown;
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return body;
    };
    const inner = wrap({ id: 'req-4', steps: 0 })(app);
    const res = await testClient((environ, start) => (returned = inner(environ, start))).get('/');
    expect(res.text).toBe('x');
    expect(returned).toBe(body);
  });
});

describe('wrapResponse: a wsgi.file_wrapper body', () => {
  test('is handed up as it is (the gateway sends it by its own path); end runs at once, close once', async () => {
    const fileBody = Object.assign(
      (async function* () {
        yield enc('file contents');
      })(),
      { [Symbol.for('tsgi.file_wrapper')]: true, close: () => undefined },
    );
    const seen = fresh();
    const hooks: ResponseHooks<Seen> = {
      end: (s) => void s.ends.push('done'),
      pull: (_s, step) => step(),
      close: (s) => void s.closes++,
    };
    let returned: unknown;
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return fileBody;
    };
    const inner = wrapWith(hooks, seen)(app);
    const res = await testClient((environ, start) => (returned = inner(environ, start))).get('/');
    expect(returned).toBe(fileBody);
    expect(res.text).toBe('file contents');
    expect(seen.ends).toEqual(['done']);
    expect(seen.closes).toBe(1);
  });

  test('a chunk hook still sees its chunks: then it is iterated like any body', async () => {
    const fileBody = Object.assign([enc('ab')][Symbol.iterator](), { [Symbol.for('tsgi.file_wrapper')]: true });
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return fileBody as unknown as Body;
    };
    const hooks: ResponseHooks<Seen> = { chunk: (c) => enc(new TextDecoder().decode(c).toUpperCase()) };
    const res = await testClient(wrapWith(hooks, fresh())(app)).get('/');
    expect(res.text).toBe('AB');
  });
});

describe('wrapResponse: bytes and sent hooks (counting without seeing)', () => {
  /** What a counting middleware learns: each bytes call, and each accepted status. */
  interface Count {
    lengths: number[];
    sent: string[];
    ends: number;
  }
  const counting: ResponseHooks<Count> = {
    bytes: (length, c) => void c.lengths.push(length),
    sent: (head, c) => void c.sent.push(head.status),
    end: (c) => void c.ends++,
  };
  const wrapCount = (c: Count): ((app: Application) => Application) => (app) => (environ, sr) => wrapResponse(app, environ, sr, counting, c);
  const fresh = (): Count => ({ lengths: [], sent: [], ends: 0 });

  for (const kind of ['array', 'sync', 'async'] as const) {
    test(`${kind}: the lengths of what goes up, writes first (an empty write too), no empty body chunk`, async () => {
      const closed = { n: 0 };
      const make = bodies(['ab', '', 'cde'], closed)[kind]!;
      const app: Application = (_e, start) => {
        const write = start('200 OK', [...TEXT]);
        write(enc(''));
        write(enc('wxyz'));
        return make();
      };
      const c = fresh();
      const res = await testClient(wrapCount(c)(app)).get('/');
      expect(res.text).toBe('wxyzabcde');
      // An array's total comes at once, when it is handed up.
      expect(c.lengths).toEqual(kind === 'array' ? [0, 4, 5] : [0, 4, 2, 3]);
      expect([c.sent, c.ends, closed.n]).toEqual([['200 OK'], 1, 1]);
    });
  }

  test('an array is handed up as the same array (not copied), an empty one is not counted', async () => {
    const body = [enc('hi')];
    let returned: unknown;
    const c = fresh();
    const inner = wrapCount(c)((_e, start) => (start('200 OK', [...TEXT]), body));
    await testClient((environ, start) => (returned = inner(environ, start))).get('/');
    expect(returned).toBe(body);
    const empty = fresh();
    await testClient(wrapCount(empty)((_e, start) => (start('204 No Content', []), []))).get('/');
    expect([c.lengths, empty.lengths, empty.ends]).toEqual([[2], [], 1]);
  });

  test('an array with a chunk that is not bytes counts NaN (the gateway answers 500)', async () => {
    const c = fresh();
    const app: Application = (_e, start) => (start('200 OK', [...TEXT]), [enc('a'), 'b' as unknown as Uint8Array]);
    // unlinted: the broken chunk is what is tested.
    const res = await testClient(wrapCount(c)(app), { lint: false, catchErrors: true }).get('/');
    expect(res.status).toBe(500);
    expect(c.lengths).toEqual([NaN]);
  });

  test('with a chunk hook, the lengths are of the chunks it returns', async () => {
    const c = fresh();
    const hooks: ResponseHooks<Count> = { ...counting, chunk: (chunk) => enc(new TextDecoder().decode(chunk).repeat(2)) };
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT])(enc('w'));
      return (function* () {
        yield enc('abc');
      })();
    };
    const res = await testClient((environ, sr) => wrapResponse(app, environ, sr, hooks, c)).get('/');
    expect(res.text).toBe('wwabcabc');
    expect(c.lengths).toEqual([2, 6]);
  });

  test('a write the layer above refuses is not counted', async () => {
    const c = fresh();
    let refused: unknown;
    const app: Application = (_e, start) => {
      const write = start('200 OK', [...TEXT]);
      try {
        write('text' as unknown as Uint8Array);
      } catch (error) {
        refused = error;
      }
      return [enc('ok')];
    };
    // unlinted: the bad write() is what is tested.
    const res = await testClient(wrapCount(c)(app), { lint: false }).get('/');
    expect(res.text).toBe('ok');
    expect(refused).toBeInstanceOf(ResponseError);
    expect(c.lengths).toEqual([2]);
  });

  test('sent reports only the heads the layer above accepted: not a refused excInfo after bytes went out', async () => {
    const c = fresh();
    const app: Application = (_e, start) => {
      start('200 OK', [...TEXT]);
      return (function* () {
        yield enc('partial');
        // PEP 3333's error handling: the gateway rethrows excInfo once bytes went out.
        start('500 Internal Server Error', [...TEXT], new Error('late'));
      })();
    };
    await expect(testClient(wrapCount(c)(app)).get('/')).rejects.toThrow('late');
    expect(c.sent).toEqual(['200 OK']);
    expect(c.lengths).toEqual([7]);
  });

  test('sent sees the head as start left it, for held (respond) responses too', async () => {
    const seen: string[] = [];
    const hooks: ResponseHooks<Count> = {
      start: (head) => void (head.headers = head.headers.concat([['X-Added', '1']])),
      respond: (head, body) => ((head.status = '203 Non-Authoritative Information'), body),
      sent: (head) => void seen.push(`${head.status} ${head.headers.map(([n]) => n).join(',')}`),
    };
    const app: Application = (_e, start) => (start('200 OK', [...TEXT]), [enc('x')]);
    const res = await testClient((environ, sr) => wrapResponse(app, environ, sr, hooks, fresh())).get('/');
    expect(res.status).toBe(203);
    expect(seen).toEqual(['203 Non-Authoritative Information Content-Type,X-Added']);
  });

  test('a body with both iterators is walked async first with a bytes hook, as without the wrapper', async () => {
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
    const app: Application = (_e, start) => (start('200 OK', [...TEXT]), body());
    const c = fresh();
    const bare = await testClient(app).get('/');
    const counted = await testClient(wrapCount(c)(app)).get('/');
    expect([bare.text, counted.text, walked, c.lengths]).toEqual(['a', 'a', ['async', 'async'], [1]]);
  });
});

describe('head-only hooks (start, sent): the body goes up as the app made it', () => {
  test('the same body object, every startResponse call seen with excInfo, sent after the layer above took the head', async () => {
    const calls: string[] = [];
    const body = Object.assign([enc('late')], { close: () => void calls.push('close') });
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      startResponse('500 Internal Server Error', TEXT, [new Error('boom')]);
      return body;
    };
    const hooks: ResponseHooks<string[]> = {
      start(head, seen) {
        seen.push(`start ${head.status}`);
        head.headers = [...head.headers, ['X-Layer', 'yes']];
      },
      sent(head, seen) {
        seen.push(`sent ${head.status}`);
      },
    };
    const heads: Array<[string, number, boolean]> = [];
    const upstream: StartResponse = (status, headers, excInfo) => {
      calls.push(`up ${status}`);
      heads.push([status, headers.length, excInfo !== undefined]);
      return () => {};
    };
    const out = wrapResponse(app, {} as Environ, upstream, hooks, calls);
    expect(out).toBe(body);
    expect(calls).toEqual(['start 200 OK', 'up 200 OK', 'sent 200 OK', 'start 500 Internal Server Error', 'up 500 Internal Server Error', 'sent 500 Internal Server Error']);
    expect(heads).toEqual([['200 OK', 2, false], ['500 Internal Server Error', 2, true]]);
  });

  test('a throw from the app, or from the layer above, passes through untouched', () => {
    const hooks: ResponseHooks<undefined> = { start() {} };
    const error = new Error('app');
    expect(() => wrapResponse(() => { throw error; }, {} as Environ, () => () => {}, hooks, undefined)).toThrow(error);
    const refused = new TypeError('bad head');
    const app: Application = (_e, startResponse) => (startResponse('200 OK', TEXT), []);
    expect(() => wrapResponse(app, {} as Environ, () => { throw refused; }, hooks, undefined)).toThrow(refused);
  });

  test('a head-only layer over a socket-less client: headers added, lazy body walked once', async () => {
    const seen = fresh();
    const app: Application = (_environ, startResponse) =>
      (function* () {
        startResponse('200 OK', TEXT);
        yield enc('a');
        yield enc('b');
      })();
    const hooks: ResponseHooks<Seen> = {
      start(head, s) {
        s.starts.push(head.status);
        head.headers = [...head.headers, ['X-Seen', '1']];
      },
    };
    const res = await testClient(wrapWith(hooks, seen)(app)).get('/');
    expect(res.status).toBe(200);
    expect(res.header('x-seen')).toBe('1');
    expect(res.text).toBe('ab');
    expect(seen.starts).toEqual(['200 OK']);
  });
});
