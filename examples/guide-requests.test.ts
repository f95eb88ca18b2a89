/**
 * The requests-and-responses guide's example (guide-requests.ts), served by the real
 * gateway on 127.0.0.1 under lint() and asked with fetch, as a reader would try it.
 * docs/test/code-blocks.test.ts checks that the guide shows the file exactly.
 */
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { notesApp } from './guide-requests.js';

let served: Served;
beforeAll(async () => {
  served = await serve(lint(notesApp), { port: 0, errors: { write: () => undefined } });
});
afterAll(() => served.close());

test('a JSON note is created (201, Location, a signed cookie) and read back by id and by tag', async () => {
  const made = await fetch(`${served.url}/notes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'buy milk', tags: ['home'] }) });
  expect(made.status).toBe(201);
  const note = (await made.json()) as { id: number };
  expect(made.headers.get('location')).toBe(`/notes/${note.id}`);
  const cookie = made.headers.get('set-cookie')!;
  expect(cookie).toMatch(/^author=127\.0\.0\.1\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);

  expect(await (await fetch(`${served.url}/notes/${note.id}`)).json()).toEqual({ id: note.id, text: 'buy milk', tags: ['home'] });
  const tagged = (await (await fetch(`${served.url}/notes?tag=home`)).json()) as Array<{ id: number }>;
  expect(tagged.map((n) => n.id)).toContain(note.id);
  expect(await (await fetch(`${served.url}/notes?tag=nowhere`)).json()).toEqual([]);

  const pair = cookie.slice(0, cookie.indexOf(';'));
  expect(await (await fetch(`${served.url}/whoami`, { headers: { Cookie: pair } })).text()).toBe('you wrote as 127.0.0.1\n');
  expect(await (await fetch(`${served.url}/whoami`, { headers: { Cookie: pair.replace('127.0.0.1', '10.0.0.1') } })).text()).toBe('nobody yet\n');
});

test('an HTML form post is read as urlencoded fields and answered with 303 to the new note', async () => {
  const res = await fetch(`${served.url}/notes/form`, { method: 'POST', body: new URLSearchParams([['text', 'crème brûlée'], ['tag', 'food'], ['tag', 'fr']]), redirect: 'manual' });
  expect(res.status).toBe(303);
  const location = res.headers.get('location')!;
  expect(await (await fetch(`${served.url}${location}`)).json()).toMatchObject({ text: 'crème brûlée', tags: ['food', 'fr'] });
});

test('what the readers refuse, httpErrors() answers: 415, 400, 413, and 404 for no such note', async () => {
  const post = (body: string, type: string): Promise<Response> => fetch(`${served.url}/notes`, { method: 'POST', headers: { 'Content-Type': type }, body });
  const wrongType = await post('text=x', 'application/x-www-form-urlencoded');
  expect([wrongType.status, await wrongType.text()]).toEqual([415, expect.stringContaining('json(): expected a JSON body')]);
  const malformed = await post('{"text": ', 'application/json');
  expect([malformed.status, await malformed.text()]).toEqual([400, expect.stringContaining('json(): the body is not valid JSON')]);
  const large = await post(JSON.stringify({ text: 'x'.repeat(20_000) }), 'application/json');
  expect([large.status, await large.text()]).toEqual([413, expect.stringContaining("over json()'s limit of 16384 bytes")]);
  const unprocessable = await post('{"text": 42}', 'application/json');
  expect([unprocessable.status, await unprocessable.json()]).toEqual([422, { error: 'text must be a string' }]);
  const missing = await fetch(`${served.url}/notes/999`);
  expect([missing.status, await missing.text()]).toEqual([404, expect.stringContaining('no note 999')]);
});
