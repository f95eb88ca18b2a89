/**
 * The demo `pnpm start` serves: a few routes that show the gateway's paths.
 *
 * - `/`            hello world: an array body, one write with a Content-Length
 * - `/stream`      an async generator: chunked, one line every 200 ms
 * - `/echo`        POST: streams the request body back (wsgi.input as async iterable)
 * - `/environ`     the environ as JSON (strings and flags only)
 * - `/latin`       PEP 3333's Latinator middleware over simple_app
 * - `/class`       PEP 3333's AppClass
 *
 * It listens on 127.0.0.1:8000 (or $PORT) only when run directly, so tests can
 * import the app without starting a server.
 *
 * @example
 * pnpm start   # then: curl -i http://127.0.0.1:8000/stream
 * @module
 */
import type { Application } from '@tsgi/core';
import { serve } from '@tsgi/server';
import { appClass } from './pep3333-app-class.js';
import { latinator } from './pep3333-latinator.js';
import { simpleApp } from './pep3333-simple-app.js';

const HELLO = Buffer.from('Hello from tsgi!\n');
const NOT_FOUND = Buffer.from('Not Found\n');
const latin = latinator()(simpleApp);

const demo: Application = function demo(environ, startResponse) {
  switch (environ.PATH_INFO) {
    case '/':
      startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
      return [HELLO];
    case '/stream':
      startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
      return (async function* stream() {
        for (let i = 1; i <= 5; i++) {
          yield Buffer.from(`tick ${i}\n`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
    case '/echo':
      startResponse('200 OK', [['Content-Type', environ.CONTENT_TYPE || 'application/octet-stream']]);
      return environ['wsgi.input'];
    case '/environ': {
      const plain: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(environ)) {
        if (typeof value !== 'object' || Array.isArray(value)) plain[key] = value;
      }
      startResponse('200 OK', [['Content-Type', 'application/json']]);
      return [Buffer.from(JSON.stringify(plain, null, 2) + '\n')];
    }
    case '/latin':
      return latin(environ, startResponse);
    case '/class':
      return appClass(environ, startResponse);
    default:
      startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
      return [NOT_FOUND];
  }
};

export default demo;

if (process.argv[1]?.endsWith('demo.ts')) {
  const port = Number(process.env.PORT ?? 8000);
  void serve(demo, { port }).then(({ url, close }) => {
    console.log(`tsgi demo listening on ${url}`);
    const stop = (): void => void close().then(() => process.exit(0));
    process.once('SIGINT', stop).once('SIGTERM', stop);
  });
}
