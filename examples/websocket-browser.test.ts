/**
 * The chat example in Chromium (scripts/chromium.ts): the page and its WebSocket go
 * through basicAuth (the browser's credentials), accessLog and the router under
 * lint on serve(); text and binary messages go both ways; a page from another
 * origin is refused (the origins allow-list, 403 at the handshake); and stopping the
 * server closes the socket with 1001 once the drain timeout passed.
 */
import { createServer } from 'node:net';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../scripts/chromium.js';
import { createChat } from './websocket-chat.js';

let browser: Browser;
let served: Served | undefined;
beforeAll(async () => {
  browser = await launchChromium();
}, 30_000);
afterAll(async () => {
  await served?.close();
  await browser?.close();
});

/** A port free right now (the allow-list must name the page's origin before listening). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

const wait = (page: Page, script: string): Promise<unknown> => page.waitForFunction(script, undefined, { timeout: 5000 });

test('Chromium chats through basicAuth, accessLog and the router; another origin is refused; stopping sends 1001', async () => {
  const lines: string[] = [];
  const { app } = createChat({ users: { alice: 'wonderland' }, log: { write: (line: string) => void lines.push(line) } });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  served = await serve(lint(app), { port, host: '127.0.0.1', shutdownTimeout: 300, websocket: { origins: [origin] } });

  const context = await browser.newContext({ httpCredentials: { username: 'alice', password: 'wonderland' } });
  const page = await context.newPage();
  await page.goto(origin + '/');
  // A socket of the test's own beside the page's, to see text and bytes and the close code.
  await page.evaluate(`window.events = [];
    window.ws = new WebSocket('ws://127.0.0.1:${port}/chat');
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (e) => events.push(typeof e.data === 'string' ? e.data : Array.from(new Uint8Array(e.data)));
    ws.onclose = (e) => events.push('close ' + e.code);`);
  await wait(page, `window.events.includes('alice joined')`);
  await page.evaluate(`ws.send('hello from chromium'); ws.send(new Uint8Array([1, 2, 3]));`);
  await wait(page, `window.events.some((e) => Array.isArray(e))`);
  const events = (await page.evaluate('window.events')) as unknown[];
  expect(events).toEqual(expect.arrayContaining(['alice: hello from chromium', [1, 2, 3]]));

  // A page of another origin (a data: URL's is 'null') cannot open the chat.
  const other = await context.newPage();
  await other.goto('data:text/html,<title>elsewhere</title>');
  const refused = await other.evaluate(`new Promise((resolve) => {
    const ws = new WebSocket('ws://127.0.0.1:${port}/chat');
    ws.onopen = () => resolve('open');
    ws.onclose = (e) => resolve('close ' + e.code);
  })`);
  expect(refused).toBe('close 1006');

  const closing = served.close();
  served = undefined;
  await wait(page, `window.events.some((e) => typeof e === 'string' && e.startsWith('close'))`);
  expect(((await page.evaluate('window.events')) as unknown[]).filter((e) => String(e).startsWith('close'))).toEqual(['close 1001']);
  await closing;
  await context.close();
  // The page's own socket and the test's: each handshake logged once, as 101.
  const statuses = lines.join('').trim().split('\n').map((line) => (JSON.parse(line) as { status: number; path: string }));
  expect(statuses.filter((line) => line.path === '/chat').map((line) => line.status)).toEqual([101, 101]);
}, 30_000);
