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
  let streamed: Promise<string> | undefined;
  try {
    const end = Date.now() + 20_000;
    while (!demo.out().includes('tsgi demo:') && Date.now() < end && demo.child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(demo.out()).toContain(`tsgi demo: open http://127.0.0.1:${port}/ for the list of routes`);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    // A request in flight keeps the graceful close busy for about a second.
    const stream = await fetch(`http://127.0.0.1:${port}/stream`);
    streamed = stream.text();
  } finally {
    demo.child.kill('SIGINT');
  }
  // The same Ctrl-C again, as pnpm passes it on: it must not kill the closing demo.
  await new Promise((r) => setTimeout(r, 100));
  demo.child.kill('SIGINT');
  expect(await demo.exited).toBe(0);
  expect(await streamed).toBe('tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n');
  expect(demo.err()).toBe('');
});

test('Ctrl-C under `pnpm start` (SIGINT to the whole process group) stops the demo without "ELIFECYCLE Command failed"', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  // Its own process group, like a terminal's foreground job: the signal reaches npx,
  // pnpm and the demo at once, and pnpm passes it on a second time.
  const pnpm = spawn('npx', ['-y', 'pnpm@10', 'start'], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, PORT: String(port), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  pnpm.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  pnpm.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise((resolve) => pnpm.once('exit', resolve));
  try {
    const end = Date.now() + 40_000;
    while (!out.includes('tsgi demo: open') && Date.now() < end && pnpm.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain(`tsgi demo: open http://127.0.0.1:${port}/`);
    process.kill(-pnpm.pid!, 'SIGINT');
    await exited;
    // The demo is gone too: nothing answers on its port.
    const end2 = Date.now() + 5000;
    let refused = false;
    while (!refused && Date.now() < end2) {
      refused = await fetch(`http://127.0.0.1:${port}/`).then(() => false, () => true);
      if (!refused) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // pnpm's last words, if any
    expect(out).not.toMatch(/ELIFECYCLE|Command failed|ERR_/);
  } finally {
    try {
      process.kill(-pnpm.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
