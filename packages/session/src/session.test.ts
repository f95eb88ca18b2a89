/**
 * session() through @tsgi/testing (lint on): what is stored, when a Set-Cookie goes
 * out, ids never adopted or revived, regenerate at login, flash, both expiries on an
 * injected clock, and store failures answered 503 then recovered.
 */
import { HttpError, type Application, type Environ } from '@tsgi/core';
import { testClient, type TestResponse } from '@tsgi/testing';
import { cookieStore } from './cookie-store.js';
import { memoryStore, type MemoryStore } from './memory-store.js';
import { session, sessionOf } from './session.js';
import { SESSION_KEY } from './session-state.js';
import type { SessionOptions } from './options.js';
import type { SessionData, SessionStore } from './store.js';

const SECRET = 'an example secret of at least 32 bytes, not for production';

/** The app under test: actions in the query string, the session as JSON in the body. */
const app: Application = (environ, startResponse) => {
  const s = sessionOf(environ);
  const q = new URLSearchParams(environ.QUERY_STRING);
  for (const [action, arg] of q) {
    if (action === 'set') s.set(arg.split('=')[0]!, arg.split('=')[1]);
    if (action === 'delete') s.delete(arg);
    if (action === 'regenerate') s.regenerate();
    if (action === 'destroy') s.destroy();
    if (action === 'flash') s.flash('notice', arg);
    if (action === 'push') s.get<string[]>('list')!.push(arg);
  }
  const body = JSON.stringify({ id: s.id, isNew: s.isNew, data: Object.fromEntries(s.keys().map((k) => [k, s.get(k)])), flashes: q.has('read') ? s.flashes('notice') : [] });
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [new TextEncoder().encode(body)];
};

interface Seen {
  id: string;
  isNew: boolean;
  data: Record<string, unknown>;
  flashes: unknown[];
}

/** A clock the test moves. */
function clock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

function cookieOf(res: TestResponse): string | undefined {
  const set = res.header('set-cookie');
  return set === undefined ? undefined : set.slice(0, set.indexOf(';'));
}

function client(options: SessionOptions, environ: Record<string, unknown> = {}) {
  const c = testClient(session(options)(app), { environ });
  return async (path: string, cookie?: string): Promise<{ res: TestResponse; seen: Seen; cookie: string | undefined }> => {
    const res = await c.get(path, { headers: cookie === undefined ? {} : { Cookie: cookie } });
    return { res, seen: res.status === 200 ? res.json<Seen>() : (undefined as never), cookie: cookieOf(res) };
  };
}

describe('with memoryStore', () => {
  let store: MemoryStore;
  let time: ReturnType<typeof clock>;
  beforeEach(() => {
    time = clock();
    store = memoryStore({ now: time.now });
  });

  test('a visitor whose session stays empty gets no cookie and costs no write', async () => {
    const get = client({ store, now: time.now });
    const { res, seen } = await get('/');
    expect(seen.isNew).toBe(true);
    expect(res.header('set-cookie')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  test('a set is stored under a new random id, sent HttpOnly, SameSite=Lax, Max-Age of maxAge; Secure only over https', async () => {
    const get = client({ store, now: time.now });
    const { res, seen } = await get('/?set=user=alice');
    expect(res.header('set-cookie')).toBe(`sid=${seen.id}; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax`);
    expect(seen.id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await store.get(seen.id)).toEqual({ data: { user: 'alice' }, created: time.now() });
    const https = client({ store, now: time.now }, { 'wsgi.url_scheme': 'https' });
    expect((await https('/?set=a=1')).res.header('set-cookie')).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    const strict = client({ store, cookie: { name: 'app', sameSite: 'strict', secure: true, path: '/app' } });
    expect((await strict('/?set=a=1')).res.header('set-cookie')).toMatch(/^app=[\w-]{32}; Max-Age=86400; Path=\/app; HttpOnly; Secure; SameSite=Strict$/);
  });

  test('ids are distinct and random (no two of 1000 alike)', async () => {
    const get = client({ store });
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) ids.add((await get('/?set=n=1')).seen.id);
    expect(ids.size).toBe(1000);
  });

  test('absolute expiry: no Set-Cookie while the session is unchanged, one when it changes; it ends maxAge after it began', async () => {
    const get = client({ store, now: time.now, expiry: 'absolute', maxAge: 60_000 });
    const first = await get('/?set=user=alice');
    time.advance(20_000);
    const read = await get('/', first.cookie);
    expect(read.seen).toMatchObject({ id: first.seen.id, isNew: false, data: { user: 'alice' } });
    expect(read.res.header('set-cookie')).toBeUndefined();
    const changed = await get('/?set=theme=dark', first.cookie);
    // The client's cookie already names the id: the data changed on the server only.
    expect(changed.res.header('set-cookie')).toBeUndefined();
    expect((await store.get(first.seen.id))!.data).toEqual({ user: 'alice', theme: 'dark' });
    time.advance(39_999);
    expect((await get('/', first.cookie)).seen.isNew).toBe(false);
    time.advance(1);
    const ended = await get('/', first.cookie);
    expect(ended.seen).toMatchObject({ isNew: true, data: {} });
    expect(ended.res.header('set-cookie')).toMatch(/^sid=; Max-Age=0;/);
  });

  test('rolling expiry: each request touches the session and re-sends the cookie; idle past maxAge ends it', async () => {
    const get = client({ store, now: time.now, maxAge: 60_000 });
    const first = await get('/?set=user=alice');
    for (let i = 0; i < 5; i++) {
      time.advance(50_000);
      const again = await get('/', first.cookie);
      expect(again.seen).toMatchObject({ id: first.seen.id, data: { user: 'alice' } });
      expect(again.res.header('set-cookie')).toBe(`${first.cookie}; Max-Age=60; Path=/; HttpOnly; SameSite=Lax`);
    }
    time.advance(60_000);
    expect((await get('/', first.cookie)).seen).toMatchObject({ isNew: true, data: {} });
  });

  test('an id the store does not know is never adopted: a new id, and the planted cookie is cleared', async () => {
    const get = client({ store, now: time.now });
    const planted = 'A'.repeat(32);
    const read = await get('/', `sid=${planted}`);
    expect(read.seen.isNew).toBe(true);
    expect(read.seen.id).not.toBe(planted);
    expect(read.res.header('set-cookie')).toMatch(/^sid=; Max-Age=0;/);
    const written = await get('/?set=user=mallory', `sid=${planted}`);
    expect(written.seen.id).not.toBe(planted);
    expect(written.cookie).toBe(`sid=${written.seen.id}`);
    expect(await store.get(planted)).toBeUndefined();
    // Not even the shape of an id: the store is not asked.
    expect((await get('/', 'sid=../../etc/passwd')).res.header('set-cookie')).toMatch(/^sid=; Max-Age=0;/);
  });

  test('a destroyed session is not revived: its id is gone, the cookie cleared, the old cookie gets a new empty session', async () => {
    const get = client({ store, now: time.now });
    const first = await get('/?set=user=alice');
    const out = await get('/?destroy', first.cookie);
    expect(out.res.header('set-cookie')).toMatch(/^sid=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    expect(await store.get(first.seen.id)).toBeUndefined();
    // The old cookie replayed, even with a write (CVE-2025-46336: the Pool store recreated it).
    const replay = await get('/?set=x=1', first.cookie);
    expect(replay.seen).toMatchObject({ isNew: true, data: { x: '1' } });
    expect(replay.seen.id).not.toBe(first.seen.id);
    expect(await store.get(first.seen.id)).toBeUndefined();
    // A touch of a destroyed id does not bring it back either.
    await store.touch(first.seen.id, 60_000);
    expect(await store.get(first.seen.id)).toBeUndefined();
  });

  test('regenerate(): a new id with the same data, the old id gone from the store (fixation)', async () => {
    const get = client({ store, now: time.now });
    const anonymous = await get('/?set=cart=3');
    const login = await get('/?regenerate&set=user=alice', anonymous.cookie);
    expect(login.seen.id).not.toBe(anonymous.seen.id);
    expect(login.seen.data).toEqual({ cart: '3', user: 'alice' });
    expect(login.cookie).toBe(`sid=${login.seen.id}`);
    expect(await store.get(anonymous.seen.id)).toBeUndefined();
    expect((await store.get(login.seen.id))!.data).toEqual({ cart: '3', user: 'alice' });
    // The id an attacker planted before login is dead after it.
    expect((await get('/', anonymous.cookie)).seen).toMatchObject({ isNew: true, data: {} });
  });

  test('flash messages are read once, after a redirect', async () => {
    const get = client({ store, now: time.now });
    const posted = await get('/?flash=saved&flash=again');
    const shown = await get('/?read', posted.cookie);
    expect(shown.seen.flashes).toEqual(['saved', 'again']);
    expect((await get('/?read', posted.cookie)).seen.flashes).toEqual([]);
  });

  test('an object changed in place after get() is a change; reading one is not', async () => {
    const get = client({ store, now: time.now, expiry: 'absolute' });
    const first = await get('/?set=user=alice');
    await store.set(first.seen.id, { data: { list: ['a'] }, created: time.now() }, 60_000);
    const read = await get('/', first.cookie);
    expect(read.seen.data).toEqual({ list: ['a'] });
    const before = store.size;
    await get('/?push=b', first.cookie);
    expect((await store.get(first.seen.id))!.data).toEqual({ list: ['a', 'b'] });
    expect(store.size).toBe(before);
  });

  test('set() checks the value is JSON; a change after the response started throws', async () => {
    const late: Application = (environ, startResponse) => {
      startResponse('200 OK', []);
      return (function* () {
        yield new Uint8Array([1]);
        sessionOf(environ).set('late', 1);
      })();
    };
    await expect(testClient(session({ store })(late)).get('/')).rejects.toThrow(/session\.set\(\): the session was saved when the response started/);
    const bad: Application = (environ, startResponse) => {
      expect(() => sessionOf(environ).set('n', 10n)).toThrow(/session.set\("n"\): the value must be JSON-serializable/);
      expect(() => sessionOf(environ).set('f', () => 1)).toThrow(/got function/);
      startResponse('204 No Content', []);
      return [];
    };
    expect((await testClient(session({ store })(bad)).get('/')).status).toBe(204);
    expect(() => sessionOf({} as Environ)).toThrow("sessionOf: environ['tsgi.session'] is not set; put session() above this app");
  });
});

describe('with cookieStore', () => {
  test('the session travels in the cookie: set, read back, rolled; no server state', async () => {
    const time = clock();
    const get = client({ store: cookieStore({ keys: [SECRET] }), now: time.now, maxAge: 60_000 });
    const first = await get('/?set=user=alice');
    expect(first.res.header('set-cookie')).toMatch(/^sid=[\w-]+; Max-Age=60; Path=\/; HttpOnly; SameSite=Lax$/);
    time.advance(30_000);
    const again = await get('/?read', first.cookie);
    expect(again.seen).toMatchObject({ id: first.seen.id, isNew: false, data: { user: 'alice' } });
    expect(again.cookie).not.toBe(first.cookie); // re-sealed with the new expiry
    time.advance(59_000);
    expect((await get('/', again.cookie)).seen.isNew).toBe(false);
    time.advance(1000);
    expect((await get('/', again.cookie)).seen).toMatchObject({ isNew: true, data: {} });
    // The sealed end holds even when the browser ignores Max-Age: the first cookie is dead.
    expect((await get('/', first.cookie)).seen.isNew).toBe(true);
  });

  test('absolute: unchanged, no Set-Cookie; changed, a new cookie; destroy clears it', async () => {
    const get = client({ store: cookieStore({ keys: [SECRET] }), expiry: 'absolute' });
    const first = await get('/?set=user=alice');
    expect((await get('/', first.cookie)).res.header('set-cookie')).toBeUndefined();
    const changed = await get('/?set=theme=dark', first.cookie);
    expect(changed.cookie).toMatch(/^sid=/);
    expect((await get('/', changed.cookie)).seen.data).toEqual({ user: 'alice', theme: 'dark' });
    expect((await get('/?destroy', changed.cookie)).res.header('set-cookie')).toMatch(/^sid=; Max-Age=0;/);
  });

  test('tampered, truncated, sealed by a removed key: a fresh session and a cleared cookie, never an error', async () => {
    const oldKey = 'the old secret, also at least 32 bytes long....';
    const before = client({ store: cookieStore({ keys: [oldKey] }) });
    const issued = (await before('/?set=user=alice')).cookie!;
    const value = issued.slice('sid='.length);
    const rotated = client({ store: cookieStore({ keys: [SECRET, oldKey] }) });
    const stillGood = await rotated('/?set=n=1', issued);
    expect(stillGood.seen.data).toEqual({ user: 'alice', n: '1' });
    const removed = client({ store: cookieStore({ keys: [SECRET] }) });
    // Re-sealed with the new key on the write above: it outlives the old key's removal.
    expect((await removed('/', stillGood.cookie)).seen.data).toEqual({ user: 'alice', n: '1' });
    const flipped = value.slice(0, 20) + (value[20] === 'A' ? 'B' : 'A') + value.slice(21);
    for (const cookie of [issued, `sid=${flipped}`, `sid=${value.slice(0, -1)}`, `sid=${value.slice(0, 30)}`, 'sid=%%%', 'sid=']) {
      const read = await removed('/', cookie);
      expect(read.res.status).toBe(200);
      expect(read.seen).toMatchObject({ isNew: true, data: {} });
    }
    expect((await removed('/', `sid=${flipped}`)).res.header('set-cookie')).toMatch(/^sid=; Max-Age=0;/);
  });

  test('a session over 4 KB is a clear error naming the size, not a cookie the browser drops', async () => {
    const big: Application = (environ, startResponse) => {
      sessionOf(environ).set('blob', 'x'.repeat(5000));
      startResponse('200 OK', []);
      return [];
    };
    const res = await testClient(session({ store: cookieStore({ keys: [SECRET] }) })(big), { catchErrors: true }).get('/');
    expect(res.status).toBe(500);
    expect(res.errors).toMatch(/RangeError: cookieStore: the session cookie "sid" would be \d{4} bytes, over the 4096 bytes browsers keep/);
  });
});

/** A memory store that can be made to fail or hang, counting its calls. */
function flakyStore(inner: SessionStore): SessionStore & { mode: 'ok' | 'fail' | 'hang'; calls: number } {
  const flaky = {
    mode: 'ok' as 'ok' | 'fail' | 'hang',
    calls: 0,
    run<T>(answer: () => Promise<T>): Promise<T> {
      flaky.calls++;
      if (flaky.mode === 'fail') return Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379'));
      if (flaky.mode === 'hang') return new Promise<T>(() => undefined);
      return answer();
    },
    get: (id: string) => flaky.run(() => inner.get(id)),
    set: (id: string, data: SessionData, ttl: number) => flaky.run(() => inner.set(id, data, ttl)),
    destroy: (id: string) => flaky.run(() => inner.destroy(id)),
    touch: (id: string, ttl: number) => flaky.run(() => inner.touch(id, ttl)),
  };
  return flaky;
}

describe('store failure', () => {
  test('a failing or hanging store gives a 503 within storeTimeout, logged once per outage; then requests succeed again', async () => {
    const store = flakyStore(memoryStore());
    const errors: string[] = [];
    const c = testClient(session({ store, storeTimeout: 50 })(app), { environ: { 'wsgi.errors': { write: (t: string) => void errors.push(t), writelines: () => undefined, flush: () => undefined } } });
    const first = await c.get('/?set=user=alice');
    const cookie = cookieOf(first)!;
    store.mode = 'fail';
    const failedRead = await c.get('/', { headers: { Cookie: cookie } });
    expect([failedRead.status, failedRead.text, failedRead.header('retry-after')]).toEqual([503, 'Service unavailable: the session store does not answer; retry shortly.\n', '5']);
    const failedWrite = await c.get('/?set=a=1'); // no cookie: the load is free, the save fails
    expect(failedWrite.status).toBe(503);
    expect(failedWrite.header('set-cookie')).toBeUndefined();
    store.mode = 'hang';
    const started = Date.now();
    expect((await c.get('/', { headers: { Cookie: cookie } })).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(errors).toEqual([expect.stringMatching(/^session: the session store failed in get\(\): Error: ECONNREFUSED 127\.0\.0\.1:6379; answering 503 until it answers again\n$/)]);
    store.mode = 'ok';
    const back = await c.get('/', { headers: { Cookie: cookie } });
    expect([back.status, back.json<Seen>().data]).toEqual([200, { user: 'alice' }]);
    expect(errors[1]).toBe('session: the store answers again; 3 request(s) were answered 503 while it failed\n');
  });

  test('throwHttpErrors: the 503 is an HttpError with the store error as its cause', async () => {
    const store = flakyStore(memoryStore());
    store.mode = 'fail';
    const wrapped = session({ store, throwHttpErrors: true })(app);
    const caught: unknown[] = [];
    const catching: Application = async (environ, startResponse) => {
      try {
        return await wrapped(environ, startResponse);
      } catch (error) {
        caught.push(error);
        startResponse('503 Service Unavailable', []);
        return [];
      }
    };
    const c = testClient(catching);
    await c.get('/', { headers: { Cookie: `sid=${'B'.repeat(32)}` } });
    await c.get('/?set=a=1');
    expect(caught).toHaveLength(2);
    for (const error of caught) {
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).status).toBe(503);
      expect(((error as HttpError).cause as Error).name).toBe('SessionStoreError');
    }
  });
});

describe('options and warnings', () => {
  test('bad options are TypeErrors naming the option and the value', () => {
    expect(() => session({ maxAge: 0 })).toThrow('session: maxAge must be a positive integer of milliseconds, got 0');
    expect(() => session({ expiry: 'sliding' as 'rolling' })).toThrow(`session: expiry must be 'rolling' or 'absolute', got "sliding"`);
    expect(() => session({ store: {} as SessionStore })).toThrow(/session: store must be cookieStore\(\{ keys \}\), memoryStore\(\) or an object with get, set, destroy and touch/);
    expect(() => session({ cookie: { sameSite: 'none' } })).toThrow(/cookie\.secure must be true with sameSite 'none'/);
    expect(() => session({ cookie: { name: '__Host-sid', path: '/' } })).toThrow(/cookie\.secure must be true with the name "__Host-sid"/);
    expect(() => session({ cookie: { name: 'a b' } })).toThrow('session: cookie.name must be a cookie name (an HTTP token), got "a b"');
    expect(() => session({ storeTimout: 5 } as SessionOptions)).toThrow(/unknown option "storeTimout"/);
    expect(() => session({ cookie: { name: '__Host-sid', secure: true } })).not.toThrow();
  });

  test('memoryStore under several tsgi workers says so once, at the first request', async () => {
    const cli = globalThis as Record<symbol, unknown>;
    cli[Symbol.for('tsgi.cluster-worker')] = { workers: 3 };
    try {
      const c = testClient(session({ store: memoryStore() })(app));
      const first = await c.get('/');
      expect(first.errors).toMatch(/^session: memoryStore keeps sessions in each worker's memory: with 3 tsgi workers/);
      expect((await c.get('/')).errors).toBe('');
      expect((await testClient(session({ store: cookieStore({ keys: [SECRET] }) })(app)).get('/')).errors).toBe('');
    } finally {
      delete cli[Symbol.for('tsgi.cluster-worker')];
    }
  });

  test('the session is at the documented environ key', async () => {
    const res = await testClient(session()(app)).get('/');
    expect(res.environ[SESSION_KEY]).toBe(sessionOf(res.environ));
  });
});
