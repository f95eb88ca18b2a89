/**
 * The tsgi side every host of the conformance suite mounts: an access log (common
 * format), a header stamp on the way out, gzip, a close counter, basic auth on
 * /private, a tsgi router answering /tsgi/*, with `lint()` on both sides of the stack.
 * Only web APIs, so the runtime matrix mounts the same stack on Bun and Deno.
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
  /** The body's `close()` ran, for a request to `path` (PATH_INFO as the stack got it). */
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

/** The stack, reporting to `recorder`; the host's stack below is its inner app. */
export function tsgiStack(recorder: StackRecorder): Middleware {
  const tsgiRoutes = router().get('/tsgi/hello', hello).get('/tsgi/throw', throwing);
  const countCloses: Middleware = (app) =>
    async function closeCountingApp(environ, startResponse) {
      // PATH_INFO now: urlMap below shifts it.
      const path = environ.PATH_INFO;
      return onClose(await app(environ, startResponse), () => recorder.closed(path));
    };
  const guarded: Middleware = (app) => urlMap({ '/private': basicAuth({ users: USERS })(app), '/': app });
  const routes: Middleware = (app) => cascade([tsgiRoutes, app]);
  const stack = compose(
    accessLog({ format: 'common', flushInterval: 0, stream: { write: (text: string) => text.split('\n').filter(Boolean).forEach((line) => recorder.line(line)) } }),
    stamp,
    gzip({ threshold: 1024 }),
    countCloses,
    guarded,
    routes,
  );
  return (inner) => lint(stack(lint(inner)));
}
