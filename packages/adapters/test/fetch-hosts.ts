/**
 * The two fetch hosts of the conformance suite, Hono and h3, as framework apps with
 * the tsgi middleware mounted by `toHono`/`toH3` and the suite's native routes. Only
 * web APIs here (no node: module, no Buffer), so the same two apps run on Node under
 * the conformance suite (hosts.ts serves them with @hono/node-server and h3's node
 * handler) and on Bun and Deno in the runtime matrix
 * (examples/runtimes/hosts-app.ts serves their `fetch`).
 *
 * The native routes: `/json` 10 KB of JSON, `/text` a short text, `/private/data` the
 * user the tsgi auth set (read back through `environOf`), `/sse` two events with a
 * gate between them, `/forever` a stream that ticks until the client leaves,
 * `POST /echo` the request body it read, `/boom` throws; anything else is the host's
 * own 404. Each reports to a {@link NativeProbe}.
 *
 * The tsgi side is one middleware at the root, or layers (stack.ts's `tsgiLayers`),
 * each mounted by its own `toHono`/`toH3` on its path with that path as `scriptName`.
 * @module
 */
import { Hono } from 'hono';
import { H3 } from 'h3';
import type { Environ, Middleware } from '@tsgi/core';
import { environOf, toHono } from '@tsgi/adapters/hono';
import { toH3 } from '@tsgi/adapters/h3';
import type { Layer } from './stack.js';

export const ROWS = Array.from({ length: 120 }, (_, i) => ({ id: i, name: `row ${i}`, tags: ['alpha', 'beta', 'gamma'], score: i * 1.5 }));
export const JSON_TEXT = JSON.stringify(ROWS);

/** What the native routes tell whoever runs them (a test in process, or stdout). */
export interface NativeProbe {
  /** A native route ran for `path`. */
  ran(path: string): void;
  /** The host's own error handling saw an error with this message. */
  hostError(message: string): void;
  /** Resolves when /sse may send its second event. */
  sseGate(): Promise<void>;
  /** The native /forever stream noticed the client left. */
  foreverStopped(): void;
}

/** A fetch host: what a fetch runtime (or a node adapter) serves. */
export interface FetchApp {
  fetch(request: Request): Response | Promise<Response>;
}

export const SSE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' };
const encoder = new TextEncoder();
const quiet = (): void => {};

/** One middleware is one layer at the root. */
function layersOf(tsgi: Middleware | readonly Layer[]): readonly Layer[] {
  return typeof tsgi === 'function' ? [{ at: '', middleware: tsgi }] : tsgi;
}

function userOf(environ: Environ | undefined): string {
  return `user=${environ?.REMOTE_USER ?? 'none'}`;
}

/** A web stream ticking every 10 ms until cancelled. */
function ticking(probe: NativeProbe): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setInterval>;
  return new ReadableStream({
    start(controller) {
      timer = setInterval(() => controller.enqueue(encoder.encode('tick\n')), 10);
    },
    cancel() {
      clearInterval(timer);
      probe.foreverStopped();
    },
  });
}

function sseStream(probe: NativeProbe): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(encoder.encode('data: 1\n\n'));
      await probe.sseGate();
      controller.enqueue(encoder.encode('data: 2\n\n'));
      controller.close();
    },
  });
}

/** The Hono app: the tsgi side mounted with `toHono` in front of the native routes. */
export function honoHost(tsgi: Middleware | readonly Layer[], probe: NativeProbe): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    probe.hostError(error.message);
    return c.text(`host error: ${error.message}`, 500);
  });
  for (const { at, middleware } of layersOf(tsgi)) {
    app.use(at === '' ? '*' : `${at}/*`, toHono(middleware, { errors: quiet, scriptName: at }));
  }
  app.get('/json', (c) => {
    probe.ran('/json');
    return c.json(ROWS);
  });
  app.get('/text', (c) => {
    probe.ran('/text');
    return c.text('hello from the host');
  });
  app.get('/private/data', (c) => {
    probe.ran('/private/data');
    return c.text(userOf(environOf(c)));
  });
  app.get('/sse', () => new Response(sseStream(probe), { headers: SSE_HEADERS }));
  app.get('/forever', () => new Response(ticking(probe), { headers: { 'Content-Type': 'text/plain' } }));
  app.post('/echo', async (c) => {
    probe.ran('/echo');
    return c.text(`echo: ${await c.req.text()}`);
  });
  app.get('/boom', () => {
    throw new Error('boom below');
  });
  return app;
}

/** The h3 app: the tsgi side mounted with `toH3` in front of the native routes. */
export function h3Host(tsgi: Middleware | readonly Layer[], probe: NativeProbe): H3 {
  const app = new H3({
    silent: true,
    onError(error) {
      // h3 wraps what a handler threw in an HTTPError; the message the test knows is its cause's.
      const cause = (error as { cause?: unknown }).cause;
      probe.hostError(cause instanceof Error ? cause.message : error.message);
    },
  });
  for (const { at, middleware } of layersOf(tsgi)) {
    if (at === '') app.use(toH3(middleware, { errors: quiet }));
    else app.use(`${at}/**`, toH3(middleware, { errors: quiet, scriptName: at }));
  }
  app.get('/json', () => {
    probe.ran('/json');
    return ROWS;
  });
  app.get('/text', (event) => {
    probe.ran('/text');
    event.res.headers.set('Content-Type', 'text/plain; charset=utf-8');
    return 'hello from the host';
  });
  app.get('/private/data', (event) => {
    probe.ran('/private/data');
    event.res.headers.set('Content-Type', 'text/plain; charset=utf-8');
    return userOf(environOf(event));
  });
  app.get('/sse', () => new Response(sseStream(probe), { headers: SSE_HEADERS }));
  app.get('/forever', () => new Response(ticking(probe), { headers: { 'Content-Type': 'text/plain' } }));
  app.post('/echo', async (event) => {
    probe.ran('/echo');
    event.res.headers.set('Content-Type', 'text/plain; charset=utf-8');
    return `echo: ${await event.req.text()}`;
  });
  app.get('/boom', () => {
    throw new Error('boom below');
  });
  return app;
}
