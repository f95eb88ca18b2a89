/**
 * The work every `stack`, `gzip`, `logger` and `wrap` target does, defined once so
 * that no target is measured doing less: the same 20 routes, the same precomputed
 * 10 KB JSON (a Buffer built at start-up, never re-serialised per request), the same
 * Basic credentials, the same Apache combined log line written to the same kind of
 * stream, and the same request headers from the load generator.
 */
import { createWriteStream, type WriteStream } from 'node:fs';

/** Every stack registers these 20 routes; every one answers JSON_10K. */
export const ROUTES: ReadonlyArray<readonly [method: string, pattern: string]> = [
  ['GET', '/'],
  ['GET', '/api/v1/health'],
  ['GET', '/api/v1/stats'],
  ['GET', '/api/v1/search'],
  ['GET', '/api/v1/users'],
  ['POST', '/api/v1/users'],
  ['GET', '/api/v1/users/:id'],
  ['PUT', '/api/v1/users/:id'],
  ['DELETE', '/api/v1/users/:id'],
  ['GET', '/api/v1/users/:id/orders'],
  ['GET', '/api/v1/orders'],
  ['POST', '/api/v1/orders'],
  ['GET', '/api/v1/orders/:id'],
  ['GET', '/api/v1/categories/:slug/items'],
  ['GET', '/api/v1/items'],
  ['POST', '/api/v1/items'],
  ['GET', '/api/v1/items/:id'],
  ['PUT', '/api/v1/items/:id'],
  ['DELETE', '/api/v1/items/:id'],
  ['GET', '/api/v1/items/:id/reviews'],
];

/** The benchmarked request hits a param route, so every router does a real match. */
export const STACK_PATH = '/api/v1/items/42';

function jsonOfSize(bytes: number): Buffer {
  const items: unknown[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const item = { id: i, sku: `SKU-${(i * 7919) % 100_003}`, name: `Item number ${i}`, price: ((i * 37) % 1000) / 10, tags: ['bench', `t${i % 7}`], inStock: i % 3 !== 0 };
    size += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return Buffer.from(JSON.stringify(items));
}

/** About 10 KB of JSON: the stack's and the gzip scenario's response. */
export const JSON_10K = jsonOfSize(10 * 1024);
/** About 1 MB of JSON for the large gzip case. */
export const JSON_1M = jsonOfSize(1024 * 1024);
/** Under gzip's 1024-byte threshold: sent as it is by every compressor. */
export const JSON_SMALL = Buffer.from(JSON.stringify({ id: 42, name: 'Item number 42', price: 4.2, tags: ['bench'] }));
export const JSON_TYPE = 'application/json';

/** The json-post scenario's path and request: 10 KB of JSON POSTed with its type. */
export const POST_PATH = '/api/v1/items';
export const POST_HEADERS: Readonly<Record<string, string>> = { 'content-type': JSON_TYPE };
/** What every json-post target answers: the count of items it parsed from the body. */
export const POST_ANSWER = Buffer.from(JSON.stringify({ received: (JSON.parse(JSON_10K.toString()) as unknown[]).length }));
/** The body limit every json-post target applies (the frameworks' defaults differ: 100 kB to 1 MiB). */
export const POST_LIMIT = 1024 * 1024;

export const USER = 'bench';
export const PASSWORD = 'secret-pass';
export const AUTHORIZATION = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
export const REALM = 'bench';

/** What autocannon sends on every request of the stack, gzip, logger and wrap scenarios. */
export const REQUEST_HEADERS: Readonly<Record<string, string>> = {
  'accept-encoding': 'gzip',
  authorization: AUTHORIZATION,
  'user-agent': 'tsgi-bench/1.0',
  referer: 'http://127.0.0.1/bench',
};

/** Level 6 for every compressor that lets us choose (it is zlib's own default too). */
export const GZIP_LEVEL = 6;
export const GZIP_THRESHOLD = 1024;

/**
 * The log stream of every target: an fs.WriteStream (BENCH_LOG_FILE, default
 * /dev/null). Each write while one is in flight is queued and the queue goes out in
 * one writev, so a line written per request costs a buffer push, as tsgi's batching does.
 */
export function openLogStream(): WriteStream {
  return createWriteStream(process.env.BENCH_LOG_FILE ?? '/dev/null', { flags: 'a' });
}

/**
 * Parses `Authorization: Basic ...` as the basic-auth package does (that package is
 * ESM-only from v3, which jest's CommonJS run cannot load, so the frameworks' checks
 * share this one).
 */
export function parseBasic(header: string | undefined): { name: string; pass: string } | undefined {
  if (header === undefined || header.length < 7 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { name: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

/** The user name when the header carries the bench's credentials. */
export function checkBasic(header: string | undefined): string | undefined {
  const credentials = parseBasic(header);
  return credentials !== undefined && credentials.name === USER && credentials.pass === PASSWORD ? USER : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;
let clfSecond = -1;
let clfText = '';

/** `10/Oct/2000:13:55:36 +0000` in UTC, formatted once a second (as tsgi's logger and morgan's callers may). */
export function clfDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== clfSecond) {
    const d = new Date(second * 1000);
    clfSecond = second;
    clfText = `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
  }
  return clfText;
}

export interface CombinedFields {
  remoteAddr: string | undefined;
  user: string | undefined;
  method: string;
  url: string;
  httpVersion: string;
  status: number;
  length: number | string | undefined;
  referer: string | undefined;
  userAgent: string | undefined;
}

/** The Apache combined line (with its newline) for frameworks that have no such logger. */
export function combinedLine(f: CombinedFields): string {
  return `${f.remoteAddr ?? '-'} - ${f.user ?? '-'} [${clfDate()}] "${f.method} ${f.url} HTTP/${f.httpVersion}" ${f.status} ${f.length ?? '-'} "${f.referer ?? '-'}" "${f.userAgent ?? '-'}"\n`;
}

/** A hand-written router for the node:http baseline: a Map for static paths, compiled patterns for the rest. */
export function handRouter(): (method: string, path: string) => boolean {
  const statics = new Set<string>();
  const dynamic: Array<[string, RegExp]> = [];
  for (const [method, pattern] of ROUTES) {
    if (pattern.includes(':')) dynamic.push([method, new RegExp('^' + pattern.replace(/:\w+/g, '[^/]+') + '$')]);
    else statics.add(method + ' ' + pattern);
  }
  return function route(method, path) {
    if (statics.has(method + ' ' + path)) return true;
    for (const [m, re] of dynamic) if (m === method && re.test(path)) return true;
    return false;
  };
}

/** The upload scenario's path and limits: one 10 MB file and 5 fields in one multipart/form-data body. */
export const UPLOAD_PATH = '/upload';
export const UPLOAD_FILE_SIZE = 10 * 1024 * 1024;
/** Above the body, so that no row refuses it; every parser is given it as its file and total limit. */
export const UPLOAD_LIMIT = 16 * 1024 * 1024;
const UPLOAD_BOUNDARY = '----tsgiBenchUpload7MA4YWxkTrZu0gW';
export const UPLOAD_HEADERS: Readonly<Record<string, string>> = { 'content-type': `multipart/form-data; boundary=${UPLOAD_BOUNDARY}` };
export const UPLOAD_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['title', 'Holiday'],
  ['album', 'Summer 2026'],
  ['author', 'bench'],
  ['tags', 'sea,sun'],
  ['visibility', 'private'],
];

/** What every upload target answers: the fields it read, the title, and the file's byte count. */
export function uploadAnswer(fields: number, title: string | undefined, size: number): string {
  return JSON.stringify({ fields, title, size });
}
export const UPLOAD_ANSWER = Buffer.from(uploadAnswer(UPLOAD_FIELDS.length, 'Holiday', UPLOAD_FILE_SIZE));

let uploadBody: Buffer | undefined;
/** The request body (built once, on first use: the servers never need it). */
export function uploadRequestBody(): Buffer {
  if (uploadBody !== undefined) return uploadBody;
  const pieces: Buffer[] = [];
  for (const [name, value] of UPLOAD_FIELDS) {
    pieces.push(Buffer.from(`--${UPLOAD_BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  const file = Buffer.alloc(UPLOAD_FILE_SIZE);
  // Not all zeros nor one byte repeated: a search that skips on a repeated byte would flatter itself.
  for (let i = 0; i < file.length; i++) file[i] = (i * 7919) & 0xff;
  pieces.push(
    Buffer.from(`--${UPLOAD_BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="photo.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${UPLOAD_BOUNDARY}--\r\n`),
  );
  return (uploadBody = Buffer.concat(pieces));
}
