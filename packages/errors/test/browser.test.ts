/**
 * The exception page in a real browser (Debian's Chromium through playwright-core,
 * scripts/chromium.ts): it renders with its inline style applied (so the CSP hash is
 * right), shows the frames with their source lines and the masked environ, never
 * shows the bearer token or the cookie, and loads nothing but the page itself.
 */
import { compose, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve } from '@tsgi/server';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../scripts/chromium.js';
import { httpErrors, showExceptions } from '../src/index.js';

// Built at run time: the page shows this file's lines around each frame, and a literal
// secret in them would be on the page for a reason that has nothing to do with masking.
const TOKEN = ['browser', 'token', '4f3e2d1c'].join('-');
const COOKIE_VALUE = ['browser', 'cookie', '9a8b7c'].join('-');

function chargeCard(amount: number): never {
  throw new TypeError(`cannot charge ${amount} <cents>: card declined`);
}

// The page functions run in the browser; the repository's tsconfig has no DOM lib.
declare function getComputedStyle(element: unknown): { backgroundColor: string; fontWeight: string };

const app: Application = (environ) => chargeCard(Number(environ.QUERY_STRING.split('=')[1]));

let browser: Browser;
let served: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  browser = await launchChromium();
  served = await serve(lint(compose(httpErrors(), showExceptions())(lint(app))), { port: 0, host: '127.0.0.1', errors: { write: () => true } });
}, 60_000);
afterAll(async () => {
  await served?.close();
  await browser?.close();
});

test('the page renders in Chromium: frames, source lines, masked environ, nothing loaded besides it', async () => {
  const context = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${TOKEN}` } });
  await context.addCookies([{ name: 'sid', value: COOKIE_VALUE, url: served.url }]);
  const page = await context.newPage();
  const requests: string[] = [];
  const violations: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => violations.push(message.text()));
  try {
    const url = `${served.url}/checkout?amount=1250`;
    const response = await page.goto(url);
    expect(response?.status()).toBe(500);
    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);

    // The heading, escaped text shown as text, the request line.
    expect(await page.locator('h1').innerText()).toBe('TypeError: cannot charge 1250 <cents>: card declined');
    expect(await page.locator('.request').innerText()).toBe('GET /checkout?amount=1250 HTTP/1.1');
    // The first frame is chargeCard in this file, with its line highlighted.
    const frame = page.locator('li.frame.app').first();
    expect(await frame.locator('.fn').innerText()).toBe('chargeCard');
    expect(await frame.locator('.file').innerText()).toContain('browser.test.ts:');
    expect(await frame.locator('tr.current pre').innerText()).toContain('throw new TypeError(`cannot charge ${amount} <cents>: card declined`);');
    // The inline style applied: the CSP's hash matches the <style>, or Chromium would have blocked it.
    expect(await page.locator('tr.current').first().evaluate((row) => getComputedStyle(row).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    expect(await page.locator('.status').evaluate((el) => getComputedStyle(el).fontWeight)).toBe('600');

    // The environ table: masked, and neither secret anywhere on the page.
    const environ = page.locator('table.environ');
    expect(await environ.locator('tr', { hasText: 'HTTP_AUTHORIZATION' }).locator('td').innerText()).toBe('[masked]');
    expect(await environ.locator('tr', { hasText: 'HTTP_COOKIE' }).locator('td').innerText()).toBe('sid=[masked]');
    expect(await environ.locator('tr', { hasText: 'PATH_INFO' }).locator('td').innerText()).toBe('/checkout');
    const content = await page.content();
    expect(content).not.toContain(TOKEN);
    expect(content).not.toContain(COOKIE_VALUE);

    // Nothing but the page itself was requested (no favicon: the page has none to offer and Chromium
    // asks only after load, so wait for the network to be idle first).
    await page.waitForLoadState('networkidle');
    expect(requests.filter((requested) => requested !== url && !requested.endsWith('/favicon.ico'))).toEqual([]);
    expect(violations.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
  } finally {
    await context.close();
  }
});
