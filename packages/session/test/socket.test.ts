/**
 * session() on a real server on 127.0.0.1 under lint(), asked with fetch: a login
 * (regenerate) and logout with each store, Secure behind proxyFix from
 * X-Forwarded-Proto, a lazy streaming app whose session is saved before its first
 * chunk goes out, and a store that dies mid-run and comes back (503s, then 200s,
 * one log line each way).
 */
import { compose, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { proxyFix } from '@tsgi/proxy-fix';
import { serve, type Served } from '@tsgi/server';
import { cookieStore, memoryStore, session, sessionOf, type SessionData, type SessionStore } from '@tsgi/session';

const encoder = new TextEncoder();

/** /login?user=x regenerates and logs in, /logout destroys, anything else says who is there. */
const site: Application = (environ, startResponse) => {
  const s = sessionOf(environ);
  const path = environ.PATH_INFO;
  if (path === '/login') {
    s.regenerate();
    s.set('user', new URLSearchParams(environ.QUERY_STRING).get('user'));
  } else if (path === '/logout') {
    s.destroy();
  }
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [encoder.encode(`${String(s.get('user') ?? 'nobody')} ${s.id}`)];
};

/** A lazy app: startResponse and the session change happen when its body is first pulled. */
const streaming: Application = (environ, startResponse) =>
  (async function* () {
    sessionOf(environ).set('visits', ((sessionOf(environ).get<number>('visits') ?? 0) + 1));
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    yield encoder.encode(`visit ${sessionOf(environ).get<number>('visits')}`);
    yield encoder.encode(' (streamed)');
  })();

let down = false;
const inner = memoryStore();
/** The memory store behind a switch: down, every call is refused as a dead Redis would be. */
const switchable: SessionStore = {
  get: (id) => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : inner.get(id)),
  set: (id: string, data: SessionData, ttl: number) => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : inner.set(id, data, ttl)),
  destroy: (id) => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : inner.destroy(id)),
  touch: (id, ttl) => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : inner.touch(id, ttl)),
};

const logged: string[] = [];
const errors = { write: (text: string) => void logged.push(text), writelines: () => undefined, flush: () => undefined };
const servers: Record<string, Served> = {};

beforeAll(async () => {
  const cookies = cookieStore({ keys: ['a socket-test secret, thirty-two bytes+'] });
  servers.memory = await serve(lint(compose(proxyFix(), session({ store: switchable }))(lint(site))), { host: '127.0.0.1', port: 0, errors });
  servers.cookie = await serve(lint(compose(proxyFix(), session({ store: cookies }))(lint(site))), { host: '127.0.0.1', port: 0, errors });
  servers.streaming = await serve(lint(session({ store: cookies })(lint(streaming))), { host: '127.0.0.1', port: 0, errors });
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

function pair(res: Response): string {
  const set = res.headers.get('set-cookie')!;
  return set.slice(0, set.indexOf(';'));
}

test.each(['memory', 'cookie'])('%s store: login regenerates the id, the session is seen, logout ends it for good', async (kind) => {
  const url = servers[kind]!.url;
  const anonymous = await fetch(`${url}/`);
  expect(anonymous.headers.get('set-cookie')).toBeNull();
  const login = await fetch(`${url}/login?user=alice`);
  const [who, id] = (await login.text()).split(' ');
  expect(who).toBe('alice');
  const cookie = pair(login);
  expect(login.headers.get('set-cookie')).toMatch(/; Max-Age=86400; Path=\/; HttpOnly; SameSite=Lax$/);
  const again = await fetch(`${url}/`, { headers: { Cookie: cookie } });
  expect(await again.text()).toBe(`alice ${id}`);
  // A second login with the session cookie: a new id again.
  const relogin = await fetch(`${url}/login?user=alice`, { headers: { Cookie: cookie } });
  expect((await relogin.text()).split(' ')[1]).not.toBe(id);
  const logout = await fetch(`${url}/logout`, { headers: { Cookie: pair(relogin) } });
  expect(logout.headers.get('set-cookie')).toMatch(/^sid=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
  if (kind === 'memory') {
    // Server-side: the logged-out cookie is dead even if the client kept it.
    expect((await (await fetch(`${url}/`, { headers: { Cookie: pair(relogin) } })).text()).startsWith('nobody ')).toBe(true);
  }
});

test('behind a TLS proxy (X-Forwarded-Proto from the trusted loopback peer) the cookie is Secure', async () => {
  const res = await fetch(`${servers.cookie!.url}/login?user=bob`, { headers: { 'X-Forwarded-Proto': 'https' } });
  expect(res.headers.get('set-cookie')).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
  const plain = await fetch(`${servers.cookie!.url}/login?user=bob`);
  expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/);
});

test('a lazy streaming app: the session it set before its first chunk is in the response cookie', async () => {
  const first = await fetch(`${servers.streaming!.url}/`);
  expect(await first.text()).toBe('visit 1 (streamed)');
  const second = await fetch(`${servers.streaming!.url}/`, { headers: { Cookie: pair(first) } });
  expect(await second.text()).toBe('visit 2 (streamed)');
});

test('the store goes down mid-run: 503s at once, one log line; back up, the same session is served again', async () => {
  const url = servers.memory!.url;
  const login = await fetch(`${url}/login?user=carol`);
  const cookie = pair(login);
  const id = (await login.text()).split(' ')[1];
  logged.length = 0;
  down = true;
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${url}/`, { headers: { Cookie: cookie } });
    expect([res.status, await res.text()]).toEqual([503, 'Service unavailable: the session store does not answer; retry shortly.\n']);
  }
  down = false;
  const back = await fetch(`${url}/`, { headers: { Cookie: cookie } });
  expect([back.status, await back.text()]).toEqual([200, `carol ${id}`]);
  expect(logged.filter((line) => line.startsWith('session: '))).toEqual([
    'session: the session store failed in get(): Error: connect ECONNREFUSED; answering 503 until it answers again\n',
    'session: the store answers again; 5 request(s) were answered 503 while it failed\n',
  ]);
});
