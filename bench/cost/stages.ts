/**
 * One stage of a hello request, run `count` times on real node:http objects:
 * `node stages.mjs <stage> <count>`. measure.ts runs it under callgrind with count 0
 * and with count N; the difference over N is the stage's instructions per request.
 * Every run sets up the same things (a server, one real request captured with its
 * response), so only the loop differs between the two counts.
 *
 * Stages: `gate` (the listener's request checks, with node's lazy `req.headers`
 * rebuilt each time as for a new request), `environ` (buildEnviron), `start`
 * (a ResponseState and startResponse's checks), `walk` (a ResponseDriver with a sink
 * that sends nothing, running the hello app: start + walk), `writer` (a
 * NodeResponseWriter made, as per request), `write-tsgi` and `write-raw` (a fresh
 * ServerResponse given hello's head and body the gateway's way and raw node's way),
 * `check` (the gate's checks alone, node's headers already built), `listener` and
 * `listener-raw` (the whole of toNodeListener(hello), or raw node's hello listener,
 * on a fresh ServerResponse with no socket: everything but node's parse and the
 * socket write). `post-tsgi` and `post-raw` (async) are the JSON POST's path without
 * JSON.parse: a fresh IncomingMessage given the 10 KB body as node's parser gives it
 * (pushed after the listener returned), read whole (core's readBody; raw node's
 * 'data'/'end' and Buffer.concat), answered with the byte count; tsgi's through the
 * gate's checks, buildEnviron and a NodeResponseWriter, as the listener does.
 */
import { createServer, IncomingMessage, request, ServerResponse } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { readBody, type Application, type ResponseHeaders } from '@tsgi/core';
import { ResponseDriver, ResponseState } from '@tsgi/core/gateway';
import { JSON_10K } from '../lib/workload.js';
import { buildEnviron } from '../../packages/server/src/node-environ.js';
import { resolveListenerOptions } from '../../packages/server/src/listener.js';
import { checkRequest, resolveLimits } from '../../packages/server/src/limits.js';
import { NodeResponseWriter } from '../../packages/server/src/response.js';
import { toNodeListener } from '../../packages/server/src/listener.js';

const HELLO = Buffer.from('Hello, world!');
const TEXT: ResponseHeaders = [['Content-Type', 'text/plain']];
const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return [HELLO];
};
const TEXT_13: ResponseHeaders = [['Content-Type', 'text/plain'], ['Content-Length', '13']];
let sink = 0;

class NullDriver extends ResponseDriver {
  protected sendHead(length: number): void {
    sink += length + this.code;
  }
  protected sendChunk(chunk: Uint8Array): boolean {
    sink += chunk.byteLength;
    return true;
  }
  protected sendEnd(): void {
    sink++;
  }
  protected sendAbort(): void {}
  protected where(): string {
    return '';
  }
}

const POST_SOCKET = new Socket();
const POST_HEADERS = ['Host', '127.0.0.1:8000', 'Content-Type', 'application/json', 'Content-Length', String(JSON_10K.byteLength), 'Connection', 'keep-alive'];
/** A request as node's parser makes one for the JSON POST, before the body is pushed. */
function postRequest(): { req: IncomingMessage; res: ServerResponse } {
  const req = new IncomingMessage(POST_SOCKET);
  req.method = 'POST';
  req.url = '/api/v1/items';
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.rawHeaders = POST_HEADERS;
  return { req, res: new ServerResponse(req) };
}
/** The body as node's parser gives it, after the listener returned: one chunk, then the end. */
function deliver(req: IncomingMessage): void {
  req.push(JSON_10K.subarray(0));
  req.complete = true;
  req.push(null);
}
const postApp: Application = async (environ, startResponse) => {
  const answer = Buffer.from(String((await readBody(environ)).byteLength));
  startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', String(answer.byteLength)]]);
  return [answer];
};

async function capture(): Promise<{ req: IncomingMessage; res: ServerResponse }> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => resolve({ req, res }));
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      request({ host: '127.0.0.1', port, headers: { 'User-Agent': 'tsgi-cost/1', Accept: '*/*' } }).end();
    });
  });
}

void (async () => {
  const [stage = 'environ', countArg = '0'] = process.argv.slice(2);
  const count = Number(countArg);
  const { req, res } = await capture();
  const config = resolveListenerOptions({});
  const limits = resolveLimits({});
  const kHeaders = Object.getOwnPropertySymbols(req).find((s) => s.description === 'kHeaders');
  const environ = buildEnviron(req, res, config)!;
  const listener = toNodeListener(hello);
  const rawListener = (_req: IncomingMessage, out: ServerResponse): void => {
    out.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': HELLO.byteLength });
    out.end(HELLO);
  };
  const run: Record<string, () => void> = {
    check() {
      if (checkRequest(req, limits) === null && req.headers['transfer-encoding'] === undefined) sink++;
    },
    listener() {
      listener(req, new ServerResponse(req));
    },
    'listener-raw'() {
      rawListener(req, new ServerResponse(req));
    },
    gate() {
      if (kHeaders) (req as unknown as Record<symbol, unknown>)[kHeaders] = null;
      if (checkRequest(req, limits) === null && req.headers['transfer-encoding'] === undefined) sink++;
    },
    environ() {
      sink += buildEnviron(req, res, config)!.PATH_INFO.length;
    },
    start() {
      new ResponseState(false).start('200 OK', TEXT);
    },
    walk() {
      void new NullDriver(false, config.errors, 'tsgi').run(hello, environ);
    },
    writer() {
      sink += new NodeResponseWriter(req, res, config.errors, null).code;
    },
    'write-tsgi'() {
      const out = new ServerResponse(req);
      out.writeHead(200, 'OK', TEXT.concat([['Content-Length', String(HELLO.byteLength)]]));
      out.end(HELLO);
    },
    'write-slice'() {
      const out = new ServerResponse(req);
      const headers = TEXT.slice();
      headers.push(['Content-Length', String(HELLO.byteLength)]);
      out.writeHead(200, 'OK', headers);
      out.end(HELLO);
    },
    'write-flat'() {
      const out = new ServerResponse(req);
      const flat: string[] = [];
      for (let i = 0; i < TEXT.length; i++) flat.push(TEXT[i]![0], TEXT[i]![1]);
      flat.push('Content-Length', String(HELLO.byteLength));
      out.writeHead(200, 'OK', flat);
      out.end(HELLO);
    },
    'write-nocat'() {
      const out = new ServerResponse(req);
      out.writeHead(200, 'OK', TEXT_13);
      out.end(HELLO);
    },
    'write-raw'() {
      const out = new ServerResponse(req);
      out.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': HELLO.byteLength });
      out.end(HELLO);
    },
  };
  const post: Record<string, () => Promise<void>> = {
    async 'post-tsgi'() {
      const { req: r, res: out } = postRequest();
      if (checkRequest(r, limits) !== null) throw new Error('refused');
      const env = buildEnviron(r, out, config)!;
      const input = env['wsgi.input'];
      const writer = new NodeResponseWriter(r, out, config.errors, input as never);
      env['tsgi.connection'] = writer.connection;
      const done = writer.run(postApp, env);
      deliver(r);
      await done;
      if (out.statusCode !== 200) throw new Error(`post-tsgi: answered ${out.statusCode}`);
    },
    async 'post-raw'() {
      const { req: r, res: out } = postRequest();
      const done = new Promise<void>((resolve) => {
        const chunks: Buffer[] = [];
        let total = 0;
        r.on('data', (chunk: Buffer) => {
          total += chunk.byteLength;
          chunks.push(chunk);
        });
        r.on('end', () => {
          const answer = Buffer.from(String(Buffer.concat(chunks, total).byteLength));
          out.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': answer.byteLength });
          out.end(answer);
          resolve();
        });
      });
      deliver(r);
      await done;
    },
  };
  const asyncFn = post[stage];
  if (asyncFn !== undefined) {
    for (let i = 0; i < 2000; i++) await asyncFn();
    for (let i = 0; i < count; i++) await asyncFn();
    process.stdout.write(`${stage} ${count} ${sink}\n`);
    process.exit(0);
  }
  const fn = run[stage];
  if (fn === undefined) throw new Error(`stages: unknown stage ${stage}; use ${Object.keys(run).join(', ')}`);
  // Every run warms the stage the same way, so JIT work cancels out between counts.
  for (let i = 0; i < 2000; i++) fn();
  // STAGE_ALLOC=1 (with a new space large enough that no scavenge falls in the loop,
  // e.g. node --min-semi-space-size=128 --max-semi-space-size=128): bytes allocated per call.
  const before = process.env.STAGE_ALLOC === '1' ? process.memoryUsage().heapUsed : 0;
  for (let i = 0; i < count; i++) fn();
  if (before !== 0) process.stdout.write(`${stage} ${((process.memoryUsage().heapUsed - before) / count).toFixed(0)} bytes/call\n`);
  process.stdout.write(`${stage} ${count} ${sink}\n`);
  process.exit(0);
})();
