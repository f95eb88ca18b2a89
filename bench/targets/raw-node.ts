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
import { listen } from '../lib/listen.js';
import { HELLO, unknownScenario, type Target } from '../lib/target.js';
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
  start(scenario, port) {
    if (!Object.hasOwn(SCENARIOS, scenario)) unknownScenario('raw-node', scenario);
    return listen(createServer(SCENARIOS[scenario]!()), port);
  },
};
export default target;
