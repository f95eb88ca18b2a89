/**
 * One row of bench/cost/stack-layers.ts, run `count` times after a warm-up:
 * `node stack-layers.mjs <row> <count>`. Prints nothing; stack-layers.ts counts it.
 */
import { constants, createGzip, gzipSync } from 'node:zlib';
import { basicAuth } from '@tsgi/auth';
import { compose, type Application, type Body, type StartResponse } from '@tsgi/core';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { reusableCompressor } from '../../packages/gzip/src/one-shot.js';
import { environFor, stackRoutes } from '../lib/in-process.js';
import { checkBasic, combinedLine, GZIP_LEVEL, GZIP_THRESHOLD, JSON_10K, openLogStream, PASSWORD, REALM, REQUEST_HEADERS, STACK_PATH, USER } from '../lib/workload.js';

const routes = (): Application => stackRoutes(JSON_10K);
// `LEVEL=0` (zlib's stored blocks): gzip()'s own work without most of deflate's, for the layer's share.
const LEVEL = Number(process.env.LEVEL ?? GZIP_LEVEL);
const compress = () => gzip({ level: LEVEL, threshold: GZIP_THRESHOLD });
const auth = () => basicAuth({ realm: REALM, users: { [USER]: PASSWORD } });
const log = () => accessLog({ format: 'combined', stream: openLogStream(), requestIdHeader: false });

const environ = environFor(STACK_PATH, REQUEST_HEADERS);
const noop = (): void => undefined;
const startResponse: StartResponse = () => noop;
let sink = 0;
function walk(body: Body): void {
  for (const chunk of body as Iterable<Uint8Array>) sink += chunk.byteLength;
  void body.close?.();
}
function appRequest(app: Application): () => void {
  return () => {
    const result = app(environ(), startResponse);
    if (result instanceof Promise) throw new Error('the stack answers synchronously');
    walk(result);
  };
}

function make(row: string): () => void {
  switch (row) {
    case 'env':
      return () => void (sink += environ().PATH_INFO.length);
    case 'app':
      return appRequest(routes());
    case 'auth':
      return appRequest(auth()(routes()));
    case 'gzip+auth':
      return appRequest(compose(compress(), auth())(routes()));
    case 'stack':
      return appRequest(log()(compose(compress(), auth())(routes())));
    case 'log+app':
      return appRequest(log()(routes()));
    case 'zlib': {
      // The compression gzip() does for this body: one-shot.ts's kept handle.
      const compressor = reusableCompressor(createGzip as never, { level: LEVEL }, constants.Z_FINISH, gzipSync as never)!;
      return () => void (sink += compressor.compress(JSON_10K).byteLength);
    }
    case 'zlib-gzipSync':
      // The compression the hand-written node:http stack does.
      return () => void (sink += gzipSync(JSON_10K, { level: LEVEL }).byteLength);
    case 'hand:auth': {
      // raw-node.ts's check: workload's parseBasic and two string compares.
      const header = REQUEST_HEADERS.authorization;
      return () => void (sink += checkBasic(environ().HTTP_AUTHORIZATION ?? header)!.length);
    }
    case 'hand:log': {
      // raw-node.ts's line: built from the request and written to the same kind of stream.
      const stream = openLogStream();
      return () => {
        const env = environ();
        stream.write(
          combinedLine({ remoteAddr: env.REMOTE_ADDR, user: USER, method: env.REQUEST_METHOD, url: env.REQUEST_URI as string, httpVersion: '1.1', status: 200, length: 2000, referer: env.HTTP_REFERER, userAgent: env.HTTP_USER_AGENT }),
        );
      };
    }
  }
  throw new Error(`stack-layers: no row ${row}`);
}

const [row, count] = process.argv.slice(2) as [string, string];
const request = make(row);
const WARMUP = 1500;
async function run(n: number): Promise<void> {
  for (let done = 0; done < n; done += 200) {
    const batch = Math.min(200, n - done);
    for (let i = 0; i < batch; i++) request();
    // The log stream drains as it would under a server.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
await run(WARMUP);
if (process.env.ZERO_DUMP === '1') {
  // The parent zeroes callgrind's counters now (callgrind_control -z), sends a line, and
  // dumps (callgrind_control -d) once this prints DONE: the count holds exactly those requests.
  console.log('WARM');
  for await (const _ of (await import('node:readline')).createInterface({ input: process.stdin })) break;
  await run(Number(count));
  console.log('DONE');
  for await (const _ of (await import('node:readline')).createInterface({ input: process.stdin })) break;
} else {
  await run(Number(count));
}
if (sink < 0) console.log(sink);
