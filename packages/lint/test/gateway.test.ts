/**
 * lint around the real gateway (@tsgi/server on 127.0.0.1): the environ, input,
 * startResponse and close() a real server provides pass every rule, and an app
 * fault under lint becomes the gateway's 500 with the rule in wsgi.errors.
 */
import type { Application, Environ, Middleware } from '@tsgi/core';
import { lint, type LintError } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';

const bytes = (s: string) => new TextEncoder().encode(s);

const app: Application = async (environ, startResponse) => {
  const route = environ.PATH_INFO;
  if (route === '/array') {
    startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']]);
    return [bytes('hello')];
  }
  if (route === '/echo') {
    const chunks: Uint8Array[] = [];
    for await (const chunk of environ['wsgi.input']) chunks.push(chunk);
    startResponse('200 OK', []);
    return chunks;
  }
  if (route === '/hop') {
    startResponse('200 OK', [['Connection', 'close']]);
    return [];
  }
  return (async function* () {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    for (let i = 0; i < 3; i++) yield bytes(`chunk${i};`);
  })();
};

let served: Served;
const log: string[] = [];
const late: LintError[] = [];

beforeAll(async () => {
  const linted = lint(app, { closeTimeout: 200, onLateError: (e) => void late.push(e) });
  served = await serve(linted, { port: 0, errors: { write: (text: string) => log.push(text) } });
});
afterAll(() => served.close());

test('the real gateway passes every server rule for arrays, streams, bodies and HEAD', async () => {
  expect(await (await fetch(`${served.url}/array`)).text()).toBe('hello');
  expect(await (await fetch(`${served.url}/stream`)).text()).toBe('chunk0;chunk1;chunk2;');
  const echo = await fetch(`${served.url}/echo`, { method: 'POST', body: 'x'.repeat(100_000) });
  expect((await echo.text()).length).toBe(100_000);
  expect((await fetch(`${served.url}/stream`, { method: 'HEAD' })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 300)); // past closeTimeout
  expect(late).toEqual([]);
  expect(log.join('')).not.toContain('LintError');
});

test('an app fault under lint becomes the gateway\'s 500, with the rule logged', async () => {
  const res = await fetch(`${served.url}/hop`);
  expect(res.status).toBe(500);
  await res.arrayBuffer();
  expect(log.join('')).toContain('[headers.hop-by-hop]');
});

test('lint between two layers blames the outer one for a bad environ', async () => {
  // A broken mount middleware: SCRIPT_NAME must be '' at the root, never '/'.
  const badMount: Middleware = (inner) => (environ: Environ, startResponse) => {
    environ.SCRIPT_NAME = '/';
    return inner(environ, startResponse);
  };
  const errors: string[] = [];
  const stack = await serve(lint(badMount(lint(app))), { port: 0, errors: { write: (t: string) => errors.push(t) } });
  try {
    const res = await fetch(`${stack.url}/array`);
    expect(res.status).toBe(500);
    await res.arrayBuffer();
    expect(errors.join('')).toContain('[environ.script-name]');
  } finally {
    await stack.close();
  }
});
