/**
 * The demo `pnpm start` serves: a small site on the whole tsgi stack, each route
 * showing one path through the gateway (demo-index.ts lists them; `/` shows the list).
 *
 * - `/`             the index: every route with a link and a line on what it shows
 * - `/hello`        hello world: an array body, one write with a Content-Length
 * - `/hello/:name`  a router param, read back with routingArgs()
 * - `/stream`       an async generator: chunked, one line every 200 ms
 * - `/echo`         POST: streams the request body back (wsgi.input as async iterable)
 * - `/environ`      the environ as JSON
 * - `/items`        16 KB of JSON, compressed by gzip when the client asks
 * - `/latin`        PEP 3333's Latinator middleware over simple_app
 * - `/class`        PEP 3333's AppClass
 * - `/admin`        behind Basic auth (alice / wonderland), mounted with urlMap
 *
 * Outermost first: the access log (when asked for), gzip, then the URL map.
 * It listens on 127.0.0.1:8000 (or $PORT) only when run directly, so tests can
 * import the app without starting a server. A busy port is one line saying which
 * PORT to try; Ctrl-C stops it quietly.
 *
 * @example
 * pnpm start   # then open http://127.0.0.1:8000/ or: curl -i http://127.0.0.1:8000/stream
 * @module
 */
import { compose, type Application, type Middleware } from '@tsgi/core';
import { basicAuth } from '@tsgi/auth';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { router, routingArgs, urlMap } from '@tsgi/router';
import { serve } from '@tsgi/server';
import { appClass } from './pep3333-app-class.js';
import { latinator } from './pep3333-latinator.js';
import { simpleApp } from './pep3333-simple-app.js';
import { DEMO_ROUTES, indexPage } from './demo-index.js';

const HELLO = Buffer.from('Hello from tsgi!\n');
const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [TEXT]);
  return [HELLO];
};

const greet: Application = (environ, startResponse) => {
  const [, { name }] = routingArgs(environ);
  startResponse('200 OK', [TEXT]);
  return [Buffer.from(`Hello, ${name}!\n`)];
};

const stream: Application = (_environ, startResponse) => {
  // nosniff: a browser renders text/plain as it arrives instead of waiting to sniff it.
  startResponse('200 OK', [TEXT, ['X-Content-Type-Options', 'nosniff']]);
  return (async function* ticks() {
    for (let i = 1; i <= 5; i++) {
      yield Buffer.from(`tick ${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
};

const echo: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', environ.CONTENT_TYPE || 'application/octet-stream']]);
  return environ['wsgi.input'];
};

const showEnviron: Application = (environ, startResponse) => {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(environ)) {
    if (typeof value !== 'object' || Array.isArray(value)) plain[key] = value;
  }
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [Buffer.from(JSON.stringify(plain, null, 2) + '\n')];
};

// Built once: a response body is bytes, and bytes can be shared by every request.
const ITEMS = Buffer.from(
  JSON.stringify(Array.from({ length: 200 }, (_, id) => ({ id, name: `item ${id}`, tags: ['demo', 'tsgi'] }))),
);
const items: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [ITEMS];
};

const admin: Application = (environ, startResponse) => {
  startResponse('200 OK', [TEXT]);
  return [Buffer.from(`Welcome, ${environ.REMOTE_USER}. You are at ${environ.SCRIPT_NAME}${environ.PATH_INFO}\n`)];
};

const routes = router()
  .get('/', indexPage(DEMO_ROUTES))
  .get('/hello', hello)
  .get('/hello/:name', greet)
  .get('/stream', stream)
  .post('/echo', echo)
  .get('/environ', showEnviron)
  .get('/items', items)
  .all('/latin', latinator()(simpleApp))
  .all('/class', appClass);

export interface DemoOptions {
  /** Where the access log goes (Apache combined format); no log when omitted. */
  log?: NodeJS.WritableStream;
}

/** The demo site: routes under gzip, /admin behind Basic auth, optionally logged. */
export function createDemo(options: DemoOptions = {}): Application {
  const layers: Middleware[] = [gzip()];
  if (options.log) layers.unshift(accessLog({ format: 'combined', stream: options.log }));
  const site = urlMap({
    '/admin': basicAuth({ realm: 'tsgi demo', users: { alice: 'wonderland' } })(admin),
    '/': routes,
  });
  return compose(...layers)(site);
}

export default createDemo();

/** Serves the demo on $PORT (8000) until Ctrl-C or SIGTERM. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8000);
  let served;
  try {
    served = await serve(createDemo({ log: process.stdout }), { port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    process.stderr.write(`port ${port} is in use; try PORT=${port + 1} pnpm start\n`);
    process.exit(1);
  }
  const { url, close } = served;
  console.log(`tsgi demo: open ${url}/ for the list of routes (Ctrl-C stops it)`);
  console.log(`try: curl -i ${url}/stream   curl -u alice:wonderland ${url}/admin`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void close().then(() => process.exit(0));
  };
  // `on`, not `once`: Ctrl-C reaches the demo from the terminal and again from pnpm,
  // which passes it on. With a one-time listener pnpm reported "ELIFECYCLE Command
  // failed" in 2 of 3 tries (0 of 7 with this), though the demo meant to exit 0.
  process.on('SIGINT', stop).on('SIGTERM', stop);
}

if (process.argv[1]?.endsWith('demo.ts')) void main();
