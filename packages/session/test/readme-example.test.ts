/** Runs the example of packages/session/README.md on a real server under lint() (the doc test keeps the two identical). */
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { app } from './readme-example.js';

let served: Served;
beforeAll(async () => {
  served = await serve(lint(app), { host: '127.0.0.1', port: 0 });
});
afterAll(() => served.close());

test('the README example counts visits in an encrypted, HttpOnly, SameSite=Lax cookie', async () => {
  const first = await fetch(served.url);
  expect(await first.text()).toBe('visit number 1\n');
  const set = first.headers.get('set-cookie')!;
  expect(set).toMatch(/^sid=[\w-]+; Max-Age=86400; Path=\/; HttpOnly; SameSite=Lax$/);
  expect(set).not.toContain('visits');
  const cookie = set.slice(0, set.indexOf(';'));
  expect(await (await fetch(served.url, { headers: { Cookie: cookie } })).text()).toBe('visit number 2\n');
  // A changed cookie is a new visitor, not an error.
  const forged = cookie.slice(0, -2) + (cookie.endsWith('AA') ? 'BA' : 'AA');
  expect(await (await fetch(served.url, { headers: { Cookie: forged } })).text()).toBe('visit number 1\n');
});
