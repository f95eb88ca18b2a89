/**
 * showStatus() on the real gateway, under lint(): empty 4xx/5xx bodies (array, lazy
 * generator, Content-Length: 0) get a page naming the status in the negotiated form;
 * bodies with bytes, successes and streamed error bodies pass as the app made them.
 */
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve } from '@tsgi/server';
import { SHOW_STATUS_DETAIL, showStatus } from '../src/index.js';

const app: Application = (environ, startResponse) => {
  switch (environ.PATH_INFO) {
    case '/empty':
      startResponse('404 Not Found', [['X-Kept', 'yes']]);
      return [];
    case '/zero':
      environ[SHOW_STATUS_DETAIL] = 'try /users/7 <b>';
      startResponse('403 Forbidden', [['Content-Length', '0']]);
      return [];
    case '/lazy':
      return (async function* () {
        startResponse('405 Method Not Allowed', [['Allow', 'GET']]);
        yield new Uint8Array(0);
      })();
    case '/streamed':
      startResponse('503 Service Unavailable', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield new Uint8Array(0);
        yield Buffer.from('back soon');
      })();
    case '/written': {
      const write = startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']]);
      write(Buffer.from('my own words'));
      return [];
    }
    default:
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [];
  }
};

let served: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  served = await serve(lint(showStatus()(lint(app))), { port: 0, host: '127.0.0.1', errors: { write: () => true } });
});
afterAll(() => served.close());

test.each([
  ['/empty', undefined, 404, 'text/plain; charset=utf-8', '404 Not Found\n'],
  ['/lazy', undefined, 405, 'text/plain; charset=utf-8', '405 Method Not Allowed\n'],
  ['/zero', 'application/json', 403, 'application/json', '{"type":"about:blank","title":"Forbidden","status":403,"detail":"try /users/7 <b>","instance":"/zero"}\n'],
  ['/streamed', undefined, 503, 'text/plain', 'back soon'],
  ['/written', undefined, 500, 'text/plain', 'my own words'],
  ['/ok', undefined, 200, 'text/plain', ''],
])('%s (Accept %s): %i %s', async (path, accept, status, type, body) => {
  const response = await fetch(`${served.url}${path}`, { headers: accept ? { Accept: accept } : {} });
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe(type);
  expect(await response.text()).toBe(body);
});

test('the app\'s other headers stay; a browser gets HTML with the detail escaped', async () => {
  const empty = await fetch(`${served.url}/empty`, { headers: { Accept: 'text/html,*/*;q=0.8' } });
  expect(empty.headers.get('x-kept')).toBe('yes');
  expect(await empty.text()).toContain('<h1>404 Not Found</h1>');
  const lazy = await fetch(`${served.url}/lazy`);
  expect(lazy.headers.get('allow')).toBe('GET');
  const zero = await fetch(`${served.url}/zero`, { headers: { Accept: 'text/html' } });
  expect(await zero.text()).toContain('<p>try /users/7 &lt;b&gt;</p>');
});
