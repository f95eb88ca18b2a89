/**
 * serverTiming() over a real socket: serve() on 127.0.0.1, read by fetch and by a
 * real browser (Debian's Chromium through playwright-core, scripts/chromium.ts), which
 * must parse the header into `PerformanceServerTiming` entries: the proof that the
 * header is well formed, escapes and all. Every app runs under lint().
 */
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../scripts/chromium.js';
import { serverTiming, serverTimingOf } from '../src/index.js';

// The page function runs in the browser; the repository's tsconfig has no DOM lib.
declare const performance: { getEntriesByType(type: string): Array<{ serverTiming: Array<{ name: string; duration: number; description: string }> }> };

const page: Application = async (environ, startResponse) => {
  const timing = serverTimingOf(environ);
  await timing.time('db', () => new Promise((resolve) => setTimeout(resolve, 20)), 'users "active"');
  timing.add('cache', undefined, 'miss');
  startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
  return [new TextEncoder().encode('<!doctype html><title>t</title><p>timed</p>')];
};

let served: Served;
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  served = await serve(lint(serverTiming()(lint(page))), { port: 0, host: '127.0.0.1' });
}, 60_000);
afterAll(async () => {
  await served?.close();
  await browser?.close();
});

test('fetch: the header carries the metrics in order and the app time last', async () => {
  const response = await fetch(served.url);
  const header = response.headers.get('server-timing')!;
  expect(header).toMatch(/^db;dur=\d+(\.\d)?;desc="users \\"active\\"", cache;desc="miss", app;dur=\d+(\.\d)?$/);
  const [db, app] = [/^db;dur=([\d.]+)/.exec(header)![1], /app;dur=([\d.]+)$/.exec(header)![1]].map(Number);
  expect(db).toBeGreaterThanOrEqual(19);
  expect(app).toBeGreaterThanOrEqual(db!);
});

test('Chromium parses it into PerformanceServerTiming entries', async () => {
  const tab = await browser.newPage();
  try {
    await tab.goto(served.url);
    const entries = await tab.evaluate(() =>
      performance.getEntriesByType('navigation')[0]!.serverTiming.map((t) => ({ name: t.name, duration: t.duration, description: t.description })),
    );
    expect(entries.map((e) => [e.name, e.description])).toEqual([
      ['db', 'users "active"'],
      ['cache', 'miss'],
      ['app', ''],
    ]);
    expect(entries[0]!.duration).toBeGreaterThanOrEqual(19);
    expect(entries[2]!.duration).toBeGreaterThanOrEqual(entries[0]!.duration);
  } finally {
    await tab.close();
  }
});
