/**
 * The tsgi side every host of the conformance suite mounts: an access log (common
 * format), a header stamp on the way out, gzip, a close counter, basic auth on
 * /private, a tsgi router answering /tsgi/*, with `lint()` on both sides of the stack.
 * Only web APIs, so the runtime matrix mounts the same stack on Bun and Deno.
 *
 * {@link tsgiLayers} cuts the same stack into one, two or three layers, each mounted
 * by its own adapter in the same app, as an app adds tsgi middleware one
 * `app.use()` at a time: the outer layer changes the response (gzip, the stamp), a
 * middle one answers /tsgi/* itself and passes the rest, and basic auth is mounted on
 * /private by the host (`app.use('/private', ...)` or its equivalent). The answers
 * must not change with the cut.
 * @module
 */
import { compose, onClose, type Application, type Middleware } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { accessLog } from '@tsgi/logger';
import { gzip } from '@tsgi/gzip';
import { basicAuth } from '@tsgi/auth';
import { cascade, router, urlMap } from '@tsgi/router';

/** Where the stack reports: each access-log line, and each body's `close()`. */
export interface StackRecorder {
  line(text: string): void;
  /** A layer's body `close()` ran, for a request to `path` (SCRIPT_NAME + PATH_INFO as the layer got it). */
  closed(path: string): void;
}

export const USERS = { alice: 'wonderland' };
export const ALICE = 'Basic ' + btoa('alice:wonderland');

const encoder = new TextEncoder();

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [encoder.encode('hello from a tsgi route')];
};

const throwing: Application = () => {
  throw new Error('boom in tsgi');
};

/** On the way out: a header on every response the stack passes up. */
const stamp: Middleware = (app) =>
  function stampApp(environ, startResponse) {
    return app(environ, (status, headers, excInfo) => startResponse(status, [...headers, ['X-Tsgi', 'stamped']], excInfo));
  };

/** A close counter: `recorder.closed()` with the path the layer got (SCRIPT_NAME + PATH_INFO) when its body closes. */
function closeCounter(recorder: StackRecorder): Middleware {
  return (app) =>
    async function closeCountingApp(environ, startResponse) {
      // Read now: urlMap below shifts it.
      const path = environ.SCRIPT_NAME + environ.PATH_INFO;
      return onClose(await app(environ, startResponse), () => recorder.closed(path));
    };
}

/** Checks where the host mounted a layer: SCRIPT_NAME is the mount path, PATH_INFO the rest. */
function mountedAt(prefix: string): Middleware {
  return (app) =>
    function mountCheckingApp(environ, startResponse) {
      if (environ.SCRIPT_NAME !== prefix || !/^\/|^$/.test(environ.PATH_INFO)) {
        throw new Error(`the layer mounted on ${prefix} got SCRIPT_NAME ${JSON.stringify(environ.SCRIPT_NAME)} and PATH_INFO ${JSON.stringify(environ.PATH_INFO)}`);
      }
      return app(environ, startResponse);
    };
}

/** Middleware composed outermost first, with lint on both sides. */
function linted(...middleware: Middleware[]): Middleware {
  const stack = compose(...middleware);
  return (inner) => lint(stack(lint(inner)));
}

/** One adapter layer: a tsgi middleware, and the path the host mounts it on ('' for every path). */
export interface Layer {
  at: string;
  middleware: Middleware;
}

/** How many layers {@link tsgiLayers} can cut the stack into. */
export const LAYER_COUNTS = [1, 2, 3] as const;
export type LayerCount = (typeof LAYER_COUNTS)[number];

/** Whether a request to `path` passes through a layer mounted on `at`. */
export function reaches(layer: Layer, path: string): boolean {
  return layer.at === '' || path === layer.at || path.startsWith(layer.at + '/');
}

/**
 * The stack of {@link tsgiStack} cut into `count` layers, outermost first, each with
 * its own close counter (so a request gives one `closed()` per layer it passed):
 *
 * 1. the whole stack, basic auth mounted inside it by `urlMap`;
 * 2. log, stamp, gzip and the tsgi routes; basic auth on /private;
 * 3. log, stamp and gzip; the tsgi routes (a layer that answers /tsgi/* and passes
 *    the rest as it is); basic auth on /private.
 */
export function tsgiLayers(recorder: StackRecorder, count: LayerCount): Layer[] {
  if (count === 1) return [{ at: '', middleware: tsgiStack(recorder) }];
  const { log, zip, routes } = parts(recorder);
  const closes = closeCounter(recorder);
  const auth: Layer = { at: '/private', middleware: linted(closes, mountedAt('/private'), basicAuth({ users: USERS })) };
  if (count === 2) return [{ at: '', middleware: linted(log, stamp, zip, closes, routes) }, auth];
  return [{ at: '', middleware: linted(log, stamp, zip, closes) }, { at: '', middleware: linted(closes, routes) }, auth];
}

/** The parts each cut shares: made per call, so each host's log and routes are its own. */
function parts(recorder: StackRecorder): { log: Middleware; zip: Middleware; routes: Middleware } {
  const tsgiRoutes = router().get('/tsgi/hello', hello).get('/tsgi/throw', throwing);
  return {
    log: accessLog({ format: 'common', flushInterval: 0, stream: { write: (text: string) => text.split('\n').filter(Boolean).forEach((line) => recorder.line(line)) } }),
    zip: gzip({ threshold: 1024 }),
    routes: (app) => cascade([tsgiRoutes, app]),
  };
}

/** The stack, reporting to `recorder`; the host's stack below is its inner app. */
export function tsgiStack(recorder: StackRecorder): Middleware {
  const { log, zip, routes } = parts(recorder);
  const guarded: Middleware = (app) => urlMap({ '/private': basicAuth({ users: USERS })(app), '/': app });
  return linted(log, stamp, zip, closeCounter(recorder), guarded, routes);
}
