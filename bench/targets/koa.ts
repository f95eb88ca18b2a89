/**
 * Koa. `hello`: one middleware that sets the body. `stack`: a logger writing the
 * combined line when the response finishes, koa-compress (gzip level 6, threshold
 * 1024), a basic-auth check and @koa/router over the 20 routes. `gzip-json`: the
 * 10 KB JSON under koa-compress; `gzip-json+tsgi`: under tsgi's gzip() mounted by
 * toKoa (the `adapters` scenario).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import compress from 'koa-compress';
import { toKoa } from '@tsgi/adapters';
import { gzip } from '@tsgi/gzip';
import { listen } from '../lib/listen.js';
import { HELLO_TEXT, unknownScenario, type Target } from '../lib/target.js';
import { combinedLine, GZIP_LEVEL, GZIP_THRESHOLD, JSON_10K, JSON_TYPE, openLogStream, parseBasic, PASSWORD, REALM, ROUTES, USER } from '../lib/workload.js';

type LoggedRequest = IncomingMessage & { remoteUser?: string };

function stack(): Koa {
  const log = openLogStream();
  // A named listener reading `this`: no closure per request.
  function writeLine(this: ServerResponse): void {
    const req = this.req as LoggedRequest;
    log.write(
      combinedLine({
        remoteAddr: req.socket.remoteAddress,
        user: req.remoteUser,
        method: req.method!,
        url: req.url!,
        httpVersion: req.httpVersion,
        status: this.statusCode,
        length: this.getHeader('content-length') as string | undefined,
        referer: req.headers.referer,
        userAgent: req.headers['user-agent'],
      }),
    );
  }
  const app = new Koa();
  // Clients going away at the end of a run are not news (koa prints every EPIPE).
  app.silent = true;
  app.use((ctx: Context, next: Next) => {
    ctx.res.once('finish', writeLine);
    return next();
  });
  app.use(compress({ threshold: GZIP_THRESHOLD, gzip: { level: GZIP_LEVEL }, br: false }));
  app.use((ctx: Context, next: Next) => {
    const credentials = parseBasic(ctx.req.headers.authorization);
    if (credentials && credentials.name === USER && credentials.pass === PASSWORD) {
      (ctx.req as LoggedRequest).remoteUser = credentials.name;
      return next();
    }
    ctx.status = 401;
    ctx.set('WWW-Authenticate', `Basic realm="${REALM}"`);
    ctx.type = 'text/plain';
    ctx.body = 'Unauthorized';
  });
  const router = new Router();
  const answer = (ctx: Context): void => {
    ctx.type = JSON_TYPE;
    ctx.body = JSON_10K;
  };
  for (const [method, pattern] of ROUTES) router.register(pattern, [method], answer);
  app.use(router.routes());
  return app;
}

function gzipJson(scenario: string): Koa {
  const app = new Koa();
  app.silent = true;
  if (scenario === 'gzip-json') app.use(compress({ threshold: GZIP_THRESHOLD, gzip: { level: GZIP_LEVEL }, br: false }));
  else app.use(toKoa(gzip({ level: GZIP_LEVEL, threshold: GZIP_THRESHOLD })));
  app.use((ctx: Context) => {
    ctx.type = JSON_TYPE;
    ctx.body = JSON_10K;
  });
  return app;
}

/** A node:http server for a Koa app; Koa handles its own errors, so its promise is not awaited. */
function koaServer(app: Koa) {
  const callback = app.callback();
  return createServer((req, res) => void callback(req, res));
}

const target: Target = {
  name: 'koa',
  scenarios: ['hello', 'stack', 'gzip-json', 'gzip-json+tsgi'],
  start(scenario, port) {
    if (scenario === 'stack') return listen(koaServer(stack()), port);
    if (scenario === 'gzip-json' || scenario === 'gzip-json+tsgi') return listen(koaServer(gzipJson(scenario)), port);
    if (scenario !== 'hello') unknownScenario('koa', scenario);
    const app = new Koa();
    app.use((ctx) => {
      ctx.type = 'text/plain';
      ctx.body = HELLO_TEXT;
    });
    return listen(koaServer(app), port);
  },
};
export default target;
