/**
 * A real browser (Debian's Chromium through playwright-core) against cors(): a page on
 * one origin (127.0.0.1:portA) calls an API on another (127.0.0.1:portB). What page
 * script sees (fetch resolves, or rejects with a TypeError) and what the API server
 * saw (preflights, requests, cookies) for a simple GET, a preflighted PUT with a custom
 * header, a credentialed fetch with a cookie, and a page on an origin not allowed.
 */
import type { Application, Environ, StartResponse } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../scripts/chromium.js';
import { cors } from '../src/index.js';

interface Seen {
  method: string;
  path: string;
  origin: string | undefined;
  cookie: string | undefined;
  requestMethod: string | undefined;
}

let pageServer: Served;
let otherPageServer: Served;
let api: Served;
let browser: Browser;
const seen: Seen[] = [];
/** The methods the API app itself ran for (cors() answers preflights above it). */
const ran: string[] = [];

/** Records each request the API server gets, before cors() answers or passes it on. */
function recorder(app: Application): Application {
  return function recorded(environ: Environ, startResponse: StartResponse) {
    seen.push({
      method: environ.REQUEST_METHOD,
      path: environ.PATH_INFO,
      origin: environ.HTTP_ORIGIN,
      cookie: environ.HTTP_COOKIE,
      requestMethod: environ.HTTP_ACCESS_CONTROL_REQUEST_METHOD,
    });
    return app(environ, startResponse);
  };
}

const blankPage: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
  return [Buffer.from('<!doctype html><title>caller</title>')];
};

/** The API: echoes what it got, as JSON, with a header that is exposed and one that is not. */
const apiApp: Application = (environ, startResponse) => {
  ran.push(environ.REQUEST_METHOD);
  startResponse('200 OK', [
    ['Content-Type', 'application/json'],
    ['X-Total-Count', '3'],
    ['X-Internal', 'hidden'],
  ]);
  const body = { method: environ.REQUEST_METHOD, custom: environ.HTTP_X_CUSTOM ?? null, cookie: environ.HTTP_COOKIE ?? null };
  return [Buffer.from(JSON.stringify(body))];
};

beforeAll(async () => {
  pageServer = await serve(lint(blankPage), { host: '127.0.0.1', port: 0 });
  otherPageServer = await serve(lint(blankPage), { host: '127.0.0.1', port: 0 });
  const allowed = new URL(pageServer.url).origin;
  const corsApp = cors({ origin: [allowed], credentials: true, exposeHeaders: ['X-Total-Count'] })(lint(apiApp));
  api = await serve(lint(recorder(corsApp)), { host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([pageServer?.close(), otherPageServer?.close(), api?.close()]);
});

/** What page script gets from one fetch: the response it could read, or the error's name. */
interface Outcome {
  ok?: { status: number; body: unknown; totalCount: string | null; internal: string | null };
  error?: string;
}

async function fetchFrom(page: Page, url: string, init: { method?: string; headers?: Record<string, string>; credentials?: 'include' | 'omit' }): Promise<Outcome> {
  return page.evaluate(
    async ([target, options]) => {
      try {
        const res = await fetch(target, options);
        return { ok: { status: res.status, body: (await res.json()) as unknown, totalCount: res.headers.get('x-total-count'), internal: res.headers.get('x-internal') } };
      } catch (error) {
        return { error: (error as Error).name };
      }
    },
    [url, init] as const,
  );
}

async function onPage<T>(origin: Served, run: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${origin.url}/`);
    return await run(page);
  } finally {
    await context.close();
  }
}

test('a simple GET from the allowed origin resolves; only the exposed header is readable; no preflight', async () => {
  seen.length = 0;
  const outcome = await onPage(pageServer, (page) => fetchFrom(page, `${api.url}/simple`, {}));
  expect(outcome).toEqual({ ok: { status: 200, body: { method: 'GET', custom: null, cookie: null }, totalCount: '3', internal: null } });
  expect(seen.map((s) => [s.method, s.path, s.origin])).toEqual([['GET', '/simple', new URL(pageServer.url).origin]]);
});

test('a PUT with a custom header: one preflight, answered without the app, then the PUT itself', async () => {
  seen.length = 0;
  ran.length = 0;
  const outcome = await onPage(pageServer, (page) => fetchFrom(page, `${api.url}/put`, { method: 'PUT', headers: { 'X-Custom': 'yes' } }));
  expect(outcome.ok?.body).toEqual({ method: 'PUT', custom: 'yes', cookie: null });
  expect(seen.map((s) => [s.method, s.path, s.requestMethod])).toEqual([
    ['OPTIONS', '/put', 'PUT'],
    ['PUT', '/put', undefined],
  ]);
  expect(ran).toEqual(['PUT']);
});

test('a credentialed fetch sends the cookie and may read the answer (Access-Control-Allow-Credentials)', async () => {
  seen.length = 0;
  const outcome = await onPage(pageServer, async (page) => {
    await page.context().addCookies([{ name: 'sid', value: 'abc123', domain: '127.0.0.1', path: '/' }]);
    return fetchFrom(page, `${api.url}/me`, { credentials: 'include' });
  });
  expect(outcome.ok?.body).toEqual({ method: 'GET', custom: null, cookie: 'sid=abc123' });
  expect(seen.map((s) => s.cookie)).toEqual(['sid=abc123']);
});

test('a page on an origin not allowed: the simple GET reaches the server but page script gets a TypeError', async () => {
  seen.length = 0;
  const outcome = await onPage(otherPageServer, (page) => fetchFrom(page, `${api.url}/simple`, {}));
  expect(outcome).toEqual({ error: 'TypeError' });
  expect(seen.map((s) => [s.method, s.origin])).toEqual([['GET', new URL(otherPageServer.url).origin]]);
});

test('a page on an origin not allowed: the preflight is refused, so the PUT is never sent', async () => {
  seen.length = 0;
  ran.length = 0;
  const outcome = await onPage(otherPageServer, (page) => fetchFrom(page, `${api.url}/put`, { method: 'PUT', headers: { 'X-Custom': 'yes' } }));
  expect(outcome).toEqual({ error: 'TypeError' });
  expect(seen.map((s) => s.method)).toEqual(['OPTIONS']);
  expect(ran).toEqual([]);
});
