/**
 * tsgi's gateway, serve(), for every scenario: apps return array bodies; the stack is
 * accessLog (combined, no request-id header, to the shared log stream) + gzip (level
 * 6, one-shot for whole bodies) + basicAuth + router() over the 20 routes; `wrap-*`
 * runs the Express app of bench/targets/express.ts through fromNodeListener; `+cors`
 * is cors() with one allowed origin and credentials, `+secure` secureHeaders()'s
 * defaults, `stack+websec` the stack with both under the access log.
 * `stack+otel` puts otel() outermost with only @opentelemetry/api (no SDK: every call
 * a no-op); `stack+otel-sdk` with the SDK of bench/lib/otel-sdk.ts;
 * `hello+rate-limit` is hello under rateLimit() with the memory store; `json-post`
 * reads the body with @tsgi/request's request(environ).json() and answers with json();
 * `json-post-core` does the same by hand with core's readBody, to show what the view costs.
 */
import { compose, readBody, type Application, type ResponseHeaders } from '@tsgi/core';
import { basicAuth } from '@tsgi/auth';
import { cors } from '@tsgi/cors';
import { secureHeaders } from '@tsgi/secure-headers';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { otel } from '@tsgi/otel';
import { rateLimit } from '@tsgi/rate-limit';
import { httpErrors } from '@tsgi/errors';
import { json, request } from '@tsgi/request';
import { router } from '@tsgi/router';
import { fromNodeListener, serve } from '@tsgi/server';
import { HELLO, RATE_LIMIT_QUOTA, unknownScenario, type Target } from '../lib/target.js';
import { GZIP_LEVEL, GZIP_THRESHOLD, JSON_10K, JSON_1M, JSON_SMALL, JSON_TYPE, openLogStream, PASSWORD, POST_LIMIT, REALM, ROUTES, USER } from '../lib/workload.js';
import { expressApp } from './express.js';
import { CORS_ORIGIN } from '../lib/websec.js';
import { startSdk, type BenchSdk } from '../lib/otel-sdk.js';

const TEXT: ResponseHeaders = [['Content-Type', 'text/plain']];
const JSON_HEADERS: ResponseHeaders = [['Content-Type', JSON_TYPE]];
const CHUNK = 64 * 1024;

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return [HELLO];
};
function jsonApp(body: Buffer): Application {
  const chunks = [body];
  return function json(_environ, startResponse) {
    startResponse('200 OK', JSON_HEADERS);
    return chunks;
  };
}
/** 1 MB yielded in 64 KB slices, so gzip() has to stream it. */
const streamedJson: Application = (_environ, startResponse) => {
  startResponse('200 OK', JSON_HEADERS);
  return (function* slices() {
    for (let i = 0; i < JSON_1M.byteLength; i += CHUNK) yield JSON_1M.subarray(i, i + CHUNK);
  })();
};

/** The JSON POST: the body through request(environ).json(), the answer through json(). */
const jsonPost: Application = async function jsonPost(environ, startResponse) {
  const items = await request(environ).json<unknown[]>({ limit: POST_LIMIT });
  return json({ received: items.length })(environ, startResponse);
};

/** The same by hand on core alone: readBody, JSON.parse, the answer's bytes. */
const utf8 = new TextDecoder();
const jsonPostByHand: Application = async function jsonPostByHand(environ, startResponse) {
  const items = JSON.parse(utf8.decode(await readBody(environ, { limit: POST_LIMIT }))) as unknown[];
  const answer = Buffer.from(JSON.stringify({ received: items.length }));
  startResponse('200 OK', [['Content-Type', JSON_TYPE], ['Content-Length', String(answer.byteLength)]]);
  return [answer];
};

const compress = () => gzip({ level: GZIP_LEVEL, threshold: GZIP_THRESHOLD });
const log = () => accessLog({ format: 'combined', stream: openLogStream(), requestIdHeader: false });

function routesAndAuth(): Application {
  const routes = router();
  const answer = jsonApp(JSON_10K);
  for (const [method, pattern] of ROUTES) routes.route(method, pattern, answer);
  return compose(compress(), basicAuth({ realm: REALM, users: { [USER]: PASSWORD } }))(routes);
}
const stack = (): Application => log()(routesAndAuth());
const corsOne = () => cors({ origin: [CORS_ORIGIN], credentials: true });
let sdk: BenchSdk | undefined;

const SCENARIOS: Record<string, () => Application> = {
  hello: () => hello,
  'hello+log': () => log()(hello),
  'hello+cors': () => corsOne()(hello),
  'hello+secure': () => secureHeaders()(hello),
  'hello+rate-limit': () => rateLimit({ limit: RATE_LIMIT_QUOTA, window: 60_000 })(hello),
  stack,
  'stack+websec': () => log()(compose(corsOne(), secureHeaders())(routesAndAuth())),
  'stack-nolog': routesAndAuth,
  'stack+otel': () => otel()(stack()),
  'stack+otel-sdk': () => otel({ tracerProvider: (sdk = startSdk()).tracerProvider })(stack()),
  'gzip-10k': () => compress()(jsonApp(JSON_10K)),
  'gzip-1mb': () => compress()(jsonApp(JSON_1M)),
  'gzip-1mb-stream': () => compress()(streamedJson),
  'json-small': () => jsonApp(JSON_SMALL),
  'json-small+gzip': () => compress()(jsonApp(JSON_SMALL)),
  // httpErrors() answers what the reader refuses (400, 413, 415), as the frameworks do.
  'json-post': () => httpErrors()(jsonPost),
  'json-post-core': () => httpErrors()(jsonPostByHand),
  'wrap-express': () => fromNodeListener(expressApp('json')),
  'wrap-express+stack': () => compose(log(), compress())(fromNodeListener(expressApp('json'))),
};

const target: Target = {
  name: 'tsgi serve()',
  scenarios: Object.keys(SCENARIOS),
  async start(scenario, port) {
    if (!Object.hasOwn(SCENARIOS, scenario)) unknownScenario('tsgi', scenario);
    const served = await serve(SCENARIOS[scenario]!(), { port, host: '127.0.0.1', shutdownTimeout: 0 });
    const started = sdk;
    sdk = undefined;
    const close = async (): Promise<void> => {
      await served.close();
      await started?.close();
    };
    return { port: Number(new URL(served.url).port), close };
  },
};
export default target;
