/**
 * The demo as a newcomer meets it: `/` lists every route with a link and a line
 * (HTML for a browser, checked in Debian's Chromium; plain text for curl), every
 * link answers, the start line names the page's URL, a busy port says which PORT to
 * try, and Ctrl-C (SIGINT) exits 0 without a word on stderr.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { launchChromium } from '../scripts/chromium.js';
import { createDemo } from './demo.js';
import { DEMO_ROUTES } from './demo-index.js';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..');
let served: Served;
beforeAll(async () => {
  served = await serve(lint(createDemo()), { port: 0, errors: { write: (text: string) => void process.stderr.write(text) } });
});
afterAll(() => served.close());

test('every route of the router is on the index page, and every GET link answers', async () => {
  const text = await (await fetch(served.url, { headers: { Accept: 'text/plain' } })).text();
  const html = await (await fetch(served.url, { headers: { Accept: 'text/html' } })).text();
  for (const route of DEMO_ROUTES) {
    expect(text).toContain(`${route.method.padEnd(4)} ${route.path}`);
    expect(text).toContain(route.what);
    if (route.method === 'GET') {
      expect(html).toContain(`<a href="${route.link}">`);
      const status = (await fetch(`${served.url}${route.link}`)).status;
      expect([route.path, status]).toEqual([route.path, route.path === '/admin' ? 401 : 200]);
    }
  }
  const echo = DEMO_ROUTES.find((route) => route.method === 'POST')!;
  expect((await fetch(`${served.url}${echo.link}`, { method: 'POST', body: 'x' })).status).toBe(200);
});

test('content negotiation: HTML for text/html, plain text for text/plain and curl, Vary: Accept', async () => {
  const html = await fetch(served.url, { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(html.headers.get('vary')).toMatch(/^Accept\b/); // gzip adds Accept-Encoding
  const plain = await fetch(served.url, { headers: { Accept: 'text/plain' } });
  expect(plain.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  const curl = await fetch(served.url, { headers: { Accept: '*/*' } });
  expect(await curl.text()).toMatch(/^tsgi demo: the routes\n/);
});

test('in a browser: the page shows a link per GET route, and following one works', async () => {
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${served.url}/`);
    expect(await page.title()).toBe('tsgi demo');
    const links = await page.locator('a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(links).toEqual(DEMO_ROUTES.filter((route) => route.method === 'GET').map((route) => route.link));
    await page.click('a[href="/hello/Ada"]');
    expect((await page.locator('body').innerText()).trim()).toBe('Hello, Ada!');
  } finally {
    await browser?.close();
  }
});

/** `node --import tsx examples/demo.ts` (what `pnpm start` runs) with PORT set. */
function startDemo(port: number): { child: ReturnType<typeof spawn>; out: () => string; err: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

test('pnpm start: the start line names the index URL; a busy port says which PORT to try; SIGINT exits 0 quietly', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const busy = startDemo(port);
    expect(await busy.exited).toBe(1);
    expect(busy.err()).toBe(`port ${port} is in use; try PORT=${port + 1} pnpm start\n`);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
  const demo = startDemo(port);
  try {
    const end = Date.now() + 20_000;
    while (!demo.out().includes('tsgi demo:') && Date.now() < end && demo.child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(demo.out()).toContain(`tsgi demo: open http://127.0.0.1:${port}/ for the list of routes`);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
  } finally {
    demo.child.kill('SIGINT');
  }
  expect(await demo.exited).toBe(0);
  expect(demo.err()).toBe('');
});
