/**
 * The baseline of every scenario: node:http with no framework, written by hand to do
 * the scenario's work and nothing more (hello world, with CORS or helmet's headers by hand; the stack with a hand-written
 * router, Basic check, one-shot gzipSync and a combined line; zlib streaming for 1 MB).
 * the scenario's work and nothing more (hello world; the stack with a hand-written
 * router, Basic check, one-shot gzipSync and a combined line; zlib streaming for 1 MB;
 * a JSON POST collected and parsed; a multipart upload through busboy, the parser
 * under multer and the one a node:http app pipes its request into).
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createGzip, gzipSync } from 'node:zlib';
import busboy from 'busboy';
import { Redis } from 'ioredis';
import { listen } from '../lib/listen.js';
import { HELLO, REDIS_URL_ENV, unknownScenario, type Target } from '../lib/target.js';
import { START_VISITS, TSGI_MEMORY_ID, TSGI_REDIS } from '../lib/session.js';
import {
  checkBasic,
  combinedLine,
  GZIP_LEVEL,
  handRouter,
  JSON_10K,
  JSON_1M,
  JSON_SMALL,
  JSON_TYPE,
  openLogStream,
  POST_LIMIT,
  REALM,
  UPLOAD_LIMIT,
  uploadAnswer,
} from '../lib/workload.js';
import { CORS_ORIGIN, CORS_RESPONSE, SECURE_RESPONSE } from '../lib/websec.js';

const GZIP_OPTIONS = { level: GZIP_LEVEL };
const acceptsGzip = (req: IncomingMessage): boolean => req.headers['accept-encoding']?.includes('gzip') === true;

function hello(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': HELLO.byteLength });
  res.end(HELLO);
}

/** Hello world with CORS by hand: the allowed origin reflected, with credentials; Vary either way. */
function helloCors(req: IncomingMessage, res: ServerResponse): void {
  const headers = req.headers.origin === CORS_ORIGIN ? CORS_RESPONSE : { Vary: 'Origin' };
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': HELLO.byteLength, ...headers });
  res.end(HELLO);
}

const SECURE_HELLO = { 'Content-Type': 'text/plain', 'Content-Length': HELLO.byteLength, ...SECURE_RESPONSE };

/** Hello world with helmet's default headers (no HSTS) written by hand. */
function helloSecure(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, SECURE_HELLO);
  res.end(HELLO);
}

/** Hello world plus the combined line, written per request to the shared log stream. */
function helloLogged(): RequestListener {
  const log = openLogStream();
  return function helloLog(req, res) {
    hello(req, res);
    const h = req.headers;
    log.write(
      combinedLine({
        remoteAddr: req.socket.remoteAddress,
        user: undefined,
        method: req.method!,
        url: req.url!,
        httpVersion: req.httpVersion,
        status: 200,
        length: HELLO.byteLength,
        referer: h.referer,
        userAgent: h['user-agent'],
      }),
    );
  };
}

/** Sends `body` as JSON, gzipped in one call when the client takes gzip. */
function sendJson(req: IncomingMessage, res: ServerResponse, body: Buffer): number {
  if (!acceptsGzip(req)) {
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': body.byteLength });
    res.end(body);
    return body.byteLength;
  }
  const zipped = gzipSync(body, GZIP_OPTIONS);
  res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding', 'Content-Length': zipped.byteLength });
  res.end(zipped);
  return zipped.byteLength;
}

function stack(): RequestListener {
  const log = openLogStream();
  const route = handRouter();
  const UNAUTHORIZED = Buffer.from('Unauthorized');
  return function stackHandler(req, res) {
    const user = checkBasic(req.headers.authorization);
    let status = 200;
    let length: number;
    const url = req.url!;
    const q = url.indexOf('?');
    if (user === undefined) {
      status = 401;
      length = UNAUTHORIZED.byteLength;
      res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': `Basic realm="${REALM}"`, 'Content-Length': length });
      res.end(UNAUTHORIZED);
    } else if (!route(req.method!, q < 0 ? url : url.slice(0, q))) {
      status = 404;
      length = 0;
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
    } else {
      length = sendJson(req, res, JSON_10K);
    }
    const h = req.headers;
    log.write(
      combinedLine({
        remoteAddr: req.socket.remoteAddress,
        user,
        method: req.method!,
        url,
        httpVersion: req.httpVersion,
        status,
        length,
        referer: h.referer,
        userAgent: h['user-agent'],
      }),
    );
  };
}

const DAY = 86_400_000;
let redis: Redis | undefined;

/**
 * The floor of the session-redis scenario: the stack above, after a hand-written
 * session in Redis with ioredis: the cookie's id read by hand, one GET, the counter
 * parsed and incremented, one plain SET with PX (no Lua, no tombstone check), then
 * the cookie re-sent (rolling). Two round trips to Redis per request, one after the
 * other, as any server-side session store that saves before answering needs.
 */
function stackRedis(): RequestListener {
  const url = process.env[REDIS_URL_ENV];
  if (url === undefined) throw new Error(`the stack+redis target needs a Redis URL in ${REDIS_URL_ENV}`);
  const client = (redis = new Redis(url, { enableOfflineQueue: false, commandTimeout: Number(process.env.BENCH_REDIS_TIMEOUT ?? 1000), maxRetriesPerRequest: 1 }));
  const inner = stack();
  const prefix = `${TSGI_REDIS}=`;
  const FAILED = Buffer.from('Service Unavailable');
  return function stackRedisHandler(req, res) {
    const cookies = req.headers.cookie ?? '';
    const at = cookies.indexOf(prefix);
    const end = at < 0 ? -1 : cookies.indexOf(';', at);
    const id = at < 0 ? '' : cookies.slice(at + prefix.length, end < 0 ? undefined : end);
    const key = `bench:sess:${id}`;
    client
      .get(key)
      .then((saved) => {
        const data = saved === null ? { visits: 0 } : (JSON.parse(saved) as { visits: number });
        data.visits++;
        return client.set(key, JSON.stringify(data), 'PX', DAY);
      })
      .then(
        () => {
          res.setHeader('Set-Cookie', `${prefix}${id}; Max-Age=${DAY / 1000}; Path=/; HttpOnly; SameSite=Lax`);
          inner(req, res);
        },
        () => {
          res.writeHead(503, { 'Content-Length': FAILED.byteLength });
          res.end(FAILED);
        },
      );
  };
}

/** 1 MB through a zlib stream piped to the response, as node's docs show it. */
function gzipStream(req: IncomingMessage, res: ServerResponse): void {
  if (!acceptsGzip(req)) {
    sendJson(req, res, JSON_1M);
    return;
  }
  res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
  const gz = createGzip(GZIP_OPTIONS);
  gz.pipe(res);
  gz.end(JSON_1M);
}

/**
 * The JSON POST by hand: checks the type and the declared length, collects the body
 * (stopping past the limit), parses it, answers with the item count.
 */
function jsonPost(req: IncomingMessage, res: ServerResponse): void {
  const refuse = (status: number): void => {
    res.writeHead(status, { 'Content-Length': 0 });
    res.end();
  };
  if (req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() !== JSON_TYPE) return refuse(415);
  if (Number(req.headers['content-length']) > POST_LIMIT) return refuse(413);
  const chunks: Buffer[] = [];
  let total = 0;
  req.on('data', (chunk: Buffer) => {
    total += chunk.byteLength;
    if (total > POST_LIMIT) {
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    let items: unknown[];
    try {
      items = JSON.parse(Buffer.concat(chunks, total).toString('utf8')) as unknown[];
    } catch {
      return refuse(400);
    }
    const answer = JSON.stringify({ received: items.length });
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(answer) });
    res.end(answer);
  });
}

/** The upload: fields collected, the file's bytes counted as they stream past. */
function upload(req: IncomingMessage, res: ServerResponse): void {
  let fields = 0;
  let title: string | undefined;
  let size = 0;
  const parser = busboy({ headers: req.headers, limits: { fileSize: UPLOAD_LIMIT, fieldSize: UPLOAD_LIMIT } });
  parser.on('field', (name, value) => {
    fields++;
    if (name === 'title') title = value;
  });
  parser.on('file', (_name, stream) => {
    stream.on('data', (chunk: Buffer) => (size += chunk.byteLength));
  });
  parser.on('close', () => {
    const answer = uploadAnswer(fields, title, size);
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(answer) });
    res.end(answer);
  });
  parser.on('error', () => {
    res.writeHead(400, { 'Content-Length': 0, Connection: 'close' });
    res.end();
  });
  req.pipe(parser);
}

const SCENARIOS: Record<string, () => RequestListener> = {
  hello: () => hello,
  'hello+log': helloLogged,
  'hello+cors': () => helloCors,
  'hello+secure': () => helloSecure,
  stack,
  'stack+redis': stackRedis,
  'gzip-10k': () => (req, res) => void sendJson(req, res, JSON_10K),
  'gzip-1mb': () => gzipStream,
  'json-small': () => (_req, res) => {
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': JSON_SMALL.byteLength });
    res.end(JSON_SMALL);
  },
  json: () => (_req, res) => {
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': JSON_10K.byteLength });
    res.end(JSON_10K);
  },
  'json-post': () => jsonPost,
  upload: () => upload,
};

const target: Target = {
  name: 'node:http',
  scenarios: Object.keys(SCENARIOS),
  async start(scenario, port) {
    if (!Object.hasOwn(SCENARIOS, scenario)) unknownScenario('raw-node', scenario);
    const started = await listen(createServer(SCENARIOS[scenario]!()), port);
    const client = redis;
    redis = undefined;
    if (client === undefined) return started;
    // Connected before READY (the offline queue is off), with the visitor's session in place.
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    await client.set(`bench:sess:${TSGI_MEMORY_ID}`, JSON.stringify({ visits: START_VISITS }), 'PX', DAY);
    return {
      port: started.port,
      close: async () => {
        await started.close();
        client.disconnect();
      },
    };
  },
};
export default target;
