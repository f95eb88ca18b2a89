/**
 * Hono on @hono/node-server. `hello`: one route; `hello+rate-limit` adds hono-rate-limiter
 * (memory store, keyed on the peer address). `stack`: a middleware writing the
 * combined line after the response is built (hono/logger writes to the console in
 * its own format), hono/compress (gzip, CompressionStream), hono/basic-auth and
 * Hono's router over the 20 routes. `hello+cors`: hono/cors with one allowed origin and
 * credentials; `hello+secure`: hono/secure-headers given helmet's policy, without HSTS.
 * Hono's router over the 20 routes. `json-post`: a JSON POST read by `c.req.json()`
 * under hono/body-limit. `upload`: a multipart body read by `c.req.parseBody()` (the
 * whole body in memory, the file a File), under the same body limit.
 */
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context, type Next } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { rateLimiter } from 'hono-rate-limiter';
import { HELLO_TEXT, RATE_LIMIT_QUOTA, unknownScenario, type Target } from '../lib/target.js';
import { CORS_ORIGIN, HELMET_CSP_DIRECTIVES } from '../lib/websec.js';
import { bodyLimit } from 'hono/body-limit';
import { combinedLine, GZIP_THRESHOLD, JSON_10K, JSON_TYPE, openLogStream, parseBasic, PASSWORD, POST_LIMIT, POST_PATH, REALM, ROUTES, UPLOAD_LIMIT, UPLOAD_PATH, uploadAnswer, USER } from '../lib/workload.js';

const JSON_HEADERS = { 'Content-Type': JSON_TYPE };

function stack(): Hono {
  const log = openLogStream();
  const app = new Hono();
  app.use(async (c: Context, next: Next) => {
    await next();
    const url = new URL(c.req.url);
    log.write(
      combinedLine({
        remoteAddr: getConnInfo(c).remote.address,
        user: c.res.status === 401 ? undefined : parseBasic(c.req.header('authorization'))?.name,
        method: c.req.method,
        url: url.pathname + url.search,
        httpVersion: '1.1',
        status: c.res.status,
        length: c.res.headers.get('content-length') ?? undefined,
        referer: c.req.header('referer'),
        userAgent: c.req.header('user-agent'),
      }),
    );
  });
  app.use(compress({ encoding: 'gzip', threshold: GZIP_THRESHOLD }));
  app.use(basicAuth({ username: USER, password: PASSWORD, realm: REALM }));
  // Buffer's type says ArrayBufferLike; Hono's body type wants a plain ArrayBuffer view (it is one).
  const body = JSON_10K as Uint8Array<ArrayBuffer>;
  const answer = (c: Context) => c.body(body, 200, JSON_HEADERS);
  for (const [method, pattern] of ROUTES) app.on(method, pattern, answer);
  return app;
}

const target: Target = {
  name: 'hono',
  scenarios: ['hello', 'hello+cors', 'hello+secure', 'hello+rate-limit', 'stack', 'json-post', 'upload'],
  start(scenario, port) {
    let app: Hono;
    if (scenario === 'stack') app = stack();
    else if (scenario === 'hello') app = new Hono().get('/', (c) => c.text(HELLO_TEXT));
    else if (scenario === 'hello+cors') app = new Hono().use(cors({ origin: [CORS_ORIGIN], credentials: true })).get('/', (c) => c.text(HELLO_TEXT));
    else if (scenario === 'hello+secure') {
      // helmet's policy (Hono sends no CSP by default) and no HSTS, as the other rows.
      const headers = secureHeaders({ contentSecurityPolicy: HELMET_CSP_DIRECTIVES, strictTransportSecurity: false });
      app = new Hono().use(headers).get('/', (c) => c.text(HELLO_TEXT));
    } else if (scenario === 'hello+rate-limit') {
      // hono-rate-limiter has no draft-8 form: draft-7's one RateLimit field is the nearest.
      const limiter = rateLimiter({ windowMs: 60_000, limit: RATE_LIMIT_QUOTA, standardHeaders: 'draft-7', keyGenerator: (c) => getConnInfo(c).remote.address ?? '' });
      app = new Hono().use(limiter).get('/', (c) => c.text(HELLO_TEXT));
    } else if (scenario === 'json-post') {
      // c.req.json() has no limit of its own: hono/body-limit gives it the same 1 MiB.
      app = new Hono().post(POST_PATH, bodyLimit({ maxSize: POST_LIMIT }), async (c) => c.json({ received: (await c.req.json<unknown[]>()).length }));
    } else if (scenario === 'upload') {
      app = new Hono().post(UPLOAD_PATH, bodyLimit({ maxSize: UPLOAD_LIMIT }), async (c) => {
        const form = await c.req.parseBody();
        const photo = form.photo;
        const fields = Object.values(form).filter((value) => typeof value === 'string').length;
        const answer = uploadAnswer(fields, typeof form.title === 'string' ? form.title : undefined, photo instanceof File ? photo.size : -1);
        return c.body(answer, 200, JSON_HEADERS);
      });
    }
    else unknownScenario('hono', scenario);
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
        resolve({
          port: info.port,
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      });
    });
  },
};
export default target;
