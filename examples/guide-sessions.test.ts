/**
 * The sessions guide's example (guide-sessions.ts), served by the real gateway on
 * 127.0.0.1 under lint() and driven with fetch as a browser would: the login form and
 * its CSRF token, a wrong password, the login POST (a new session id), the session
 * seen on the next page, a post without the token refused, and logout.
 * docs/test/code-blocks.test.ts checks that the guide shows the file exactly.
 */
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { site } from './guide-sessions.js';

let served: Served;
beforeAll(async () => {
  served = await serve(lint(site), { port: 0, errors: { write: () => undefined } });
});
afterAll(() => served.close());

/** A cookie jar of one site, as a browser keeps it. */
class Jar {
  readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      if (/Max-Age=0/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1));
    }
  }
  get header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function visit(jar: Jar, path: string, form?: Record<string, string>): Promise<Response> {
  const init: RequestInit = { redirect: 'manual', headers: { Cookie: jar.header } };
  if (form !== undefined) Object.assign(init, { method: 'POST', body: new URLSearchParams(form) });
  const res = await fetch(`${served.url}${path}`, init);
  jar.take(res);
  return res;
}

function tokenIn(page: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
}

test('log in with the form, see the session, log out', async () => {
  const jar = new Jar();
  const page = await (await visit(jar, '/login')).text();
  const token = tokenIn(page);
  expect(jar.cookies.has('csrf')).toBe(true);
  expect(jar.cookies.has('sid')).toBe(false);

  const wrong = await visit(jar, '/login', { _csrf: token, user: 'alice', password: 'guess' });
  expect([wrong.status, wrong.headers.get('location')]).toEqual([303, '/login']);
  expect(await (await visit(jar, '/login')).text()).toContain('<p class="error">Wrong user name or password.</p>');
  const before = jar.cookies.get('sid');

  const ok = await visit(jar, '/login', { _csrf: token, user: 'alice', password: 'correct horse battery staple' });
  expect([ok.status, ok.headers.get('location')]).toEqual([303, '/']);
  expect(ok.headers.get('set-cookie')).toMatch(/^sid=[\w-]+; Max-Age=28800; Path=\/; HttpOnly; SameSite=Lax$/);
  expect(jar.cookies.get('sid')).not.toBe(before);

  const home = await (await visit(jar, '/')).text();
  expect(home).toContain('<p class="notice">Welcome back, alice.</p>');
  expect(home).toContain('<p>Hello, alice</p>');
  // The flash is read once.
  expect(await (await visit(jar, '/')).text()).not.toContain('Welcome back');

  const forged = await fetch(`${served.url}/logout`, { method: 'POST', headers: { Cookie: jar.header }, body: new URLSearchParams({ _csrf: 'forged' }), redirect: 'manual' });
  expect(forged.status).toBe(403);

  const out = await visit(jar, '/logout', { _csrf: tokenIn(home) });
  expect([out.status, out.headers.get('location')]).toEqual([303, '/login']);
  expect(jar.cookies.has('sid')).toBe(false);
  expect(await (await visit(jar, '/')).text()).toContain('<a href="/login">Log in</a>');
});
