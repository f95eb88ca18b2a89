/**
 * A real browser (Debian's Chromium through playwright-core) against staticFiles under
 * gzip(): it gets a precompressed sibling it can decode and runs it, revalidates on
 * reload with If-None-Match and gets 304s it uses from its cache, and reads a byte
 * range with fetch.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Application, Environ, StartResponse } from '@tsgi/core';
import { gzip } from '@tsgi/gzip';
import type { Served } from '@tsgi/server';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../scripts/chromium.js';
import { staticFiles } from '../src/index.js';
import { BIG, makeTree, serveLinted, type Tree } from './fixture.js';

interface Seen {
  path: string;
  status: number;
  ifNoneMatch: string | undefined;
  acceptEncoding: string | undefined;
  contentEncoding: string | undefined;
}

let tree: Tree;
let served: Served;
let browser: Browser;
const seen: Seen[] = [];

/** Records each request's validators and the status and coding it got. */
function recorder(app: Application): Application {
  return function recorded(environ: Environ, startResponse: StartResponse) {
    return app(environ, (status, headers, excInfo) => {
      const encoding = headers.find(([name]) => name.toLowerCase() === 'content-encoding');
      seen.push({
        path: environ.PATH_INFO,
        status: Number(status.slice(0, 3)),
        ifNoneMatch: environ.HTTP_IF_NONE_MATCH,
        acceptEncoding: environ.HTTP_ACCEPT_ENCODING,
        contentEncoding: encoding?.[1],
      });
      return startResponse(status, headers, excInfo);
    });
  };
}

beforeAll(async () => {
  tree = makeTree();
  writeFileSync(
    join(tree.root, 'page.html'),
    '<!doctype html><script type="module">import { answer } from "/app.js"; document.title = "answer " + answer;</script>\n',
  );
  served = await serveLinted(recorder(gzip()(staticFiles({ root: tree.root, precompressed: true }))));
  browser = await launchChromium();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await served?.close();
  tree.remove();
});

test('runs a precompressed script, then revalidates it with 304s on reload', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${served.url}/page.html`);
    await page.waitForFunction('document.title === "answer 42"', undefined, { timeout: 10_000 });
    const first = seen.filter((s) => s.path === '/app.js');
    expect(first).toHaveLength(1);
    // The sibling the browser said it takes, never compressed again by gzip().
    const accepted = first[0]!.acceptEncoding!.split(',').map((c) => c.trim());
    expect(['br', 'gzip']).toContain(first[0]!.contentEncoding);
    expect(accepted).toContain(first[0]!.contentEncoding);

    seen.length = 0;
    await page.reload();
    await page.waitForFunction('document.title === "answer 42"', undefined, { timeout: 10_000 });
    const again = seen.filter((s) => s.path === '/app.js' || s.path === '/page.html');
    expect(again.map((s) => [s.path, s.status])).toEqual([
      ['/page.html', 304],
      ['/app.js', 304],
    ]);
    expect(again.every((s) => s.ifNoneMatch?.startsWith('"'))).toBe(true);
  } finally {
    await page.close();
  }
}, 30_000);

test('fetch with a Range header gets those bytes', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${served.url}/hello.txt`);
    const result = await page.evaluate(async () => {
      const res = await fetch('/big.bin', { headers: { Range: 'bytes=1000-1099' } });
      return { status: res.status, range: res.headers.get('content-range'), bytes: Array.from(new Uint8Array(await res.arrayBuffer())) };
    });
    expect(result.status).toBe(206);
    expect(result.range).toBe(`bytes 1000-1099/${BIG.byteLength}`);
    expect(Buffer.from(result.bytes).equals(BIG.subarray(1000, 1100))).toBe(true);
  } finally {
    await page.close();
  }
}, 30_000);
