/**
 * The one table of requests the runtime matrix sends to every target, each with the
 * outcome it must get: status, the headers that matter, and the body after undoing
 * Content-Encoding (so the bytes are compared, whichever zlib compressed them). One
 * difference is by design: on Workers the edge (miniflare emulates it) negotiates
 * and compresses for the client, and gzip() stands aside, so there the coding the
 * client sees is the edge's choice (`encoded()` below says both rules).
 * @module
 */
import { createHash, createHmac } from 'node:crypto';
import { BIG_SIZE, COOKIE_KEY, EVENT_COUNT, bigText, eventText, precompressedText } from './app.js';
import type { Reply, Sent } from './client.js';
import type { Target } from './targets.js';
import { MIDDLEWARE_ROWS } from './middleware-table.js';

export interface Outcome {
  status: number;
  headers: Record<string, string | undefined>;
  /** Short bodies as text; long ones as their length and SHA-256. */
  body: string;
}

export interface Row {
  name: string;
  sent: Sent;
  expected(target: Target): Outcome;
}

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json';
const VARY = 'Accept-Encoding';

function show(bytes: Uint8Array | string): string {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  if (buffer.byteLength <= 4096) return buffer.toString('utf8');
  return `${buffer.byteLength} bytes, sha256 ${createHash('sha256').update(buffer).digest('hex')}`;
}

/** What a reply shows of the headers `expected` names. */
export function outcome(reply: Reply, expected: Outcome): Outcome {
  const headers: Record<string, string | undefined> = {};
  for (const name of Object.keys(expected.headers)) {
    const value = reply.headers[name];
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: reply.status, headers, body: show(reply.body) };
}

/** 1 MiB of bytes every value of which occurs, the same on each run. */
export function uploadBytes(): Uint8Array {
  const bytes = new Uint8Array(BIG_SIZE);
  let state = 12345;
  for (let i = 0; i < bytes.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/**
 * The Content-Encoding and Vary a client sees: gzip()'s on a server (with Vary), the
 * edge's on Workers (compressible types in gzip or br as the client asks, whatever the
 * size, but not event streams; no Vary from tsgi, which stood aside).
 */
function encoded(target: Target, server: string | undefined, edge: string | undefined): Record<string, string | undefined> {
  return target.edge ? { 'content-encoding': edge, vary: undefined } : { 'content-encoding': server, vary: VARY };
}

const basic = (user: string, password: string): string => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
const events = Array.from({ length: EVENT_COUNT }, (_, n) => eventText(n)).join('');
const echoed = { name: 'zoë', n: [1, 2, 3], nested: { ok: true } };

/** The signed value @tsgi/request's cookieSigner gives, computed here with node:crypto. */
function signed(name: string, value: string): string {
  return `${value}.${createHmac('sha256', COOKIE_KEY).update(`${name}=${value}`).digest('base64url')}`;
}

export const ROWS: Row[] = [
  {
    name: 'X-Forwarded-For and -Proto from a trusted proxy (the loopback peer): proxyFix rewrites the environ',
    sent: { method: 'GET', path: '/client', headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } },
    expected: () => ({ status: 200, headers: {}, body: '203.0.113.9 https\n' }),
  },
  {
    name: 'a small text answer: not worth compressing, Vary still said',
    sent: { method: 'GET', path: '/', headers: { 'accept-encoding': 'gzip' } },
    expected: (target) => ({ status: 200, headers: { 'content-type': TEXT, ...encoded(target, undefined, 'gzip') }, body: 'hello from tsgi\n' }),
  },
  {
    name: 'a route param, percent-encoded UTF-8 in the path',
    sent: { method: 'GET', path: '/users/zo%C3%AB' },
    expected: () => ({ status: 200, headers: { 'content-type': JSON_TYPE }, body: '{"id":"zoë"}\n' }),
  },
  {
    name: 'no route: 404',
    sent: { method: 'GET', path: '/nowhere' },
    expected: () => ({ status: 404, headers: { 'content-type': TEXT }, body: 'Not Found\n' }),
  },
  {
    name: 'another method on a route: 405 with Allow',
    sent: { method: 'DELETE', path: '/users/1' },
    expected: () => ({ status: 405, headers: { allow: 'GET, HEAD, OPTIONS' }, body: 'Method Not Allowed\n' }),
  },
  {
    name: 'basicAuth without credentials: 401 with the challenge',
    sent: { method: 'GET', path: '/private' },
    expected: () => ({
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="tsgi", charset="UTF-8"', 'content-type': TEXT },
      body: 'Authentication required.\n',
    }),
  },
  {
    name: 'basicAuth with a wrong password: 401',
    sent: { method: 'GET', path: '/private', headers: { authorization: basic('alice', 'wrong') } },
    expected: () => ({ status: 401, headers: { 'www-authenticate': 'Basic realm="tsgi", charset="UTF-8"' }, body: 'Invalid credentials.\n' }),
  },
  {
    name: 'basicAuth with the right password: the app, with the user',
    sent: { method: 'GET', path: '/private', headers: { authorization: basic('alice', 's3cret') } },
    expected: () => ({ status: 200, headers: { 'www-authenticate': undefined }, body: 'hello alice\n' }),
  },
  {
    name: 'a JSON POST echoed',
    sent: {
      method: 'POST',
      path: '/echo',
      headers: { 'content-type': JSON_TYPE },
      body: Buffer.from(JSON.stringify(echoed)),
    },
    expected: () => ({ status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ echo: echoed, contentType: JSON_TYPE }) + '\n' }),
  },
  {
    name: 'a POST that is not JSON: 400',
    sent: { method: 'POST', path: '/echo', headers: { 'content-type': JSON_TYPE }, body: Buffer.from('{nope') },
    expected: () => ({ status: 400, headers: {}, body: 'the body is not JSON\n' }),
  },
  {
    name: 'request(environ).json(): a JSON POST through the request view, answered by json() with a signed cookie (WebCrypto HMAC)',
    sent: { method: 'POST', path: '/request/json?q=z%C3%B6', headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(echoed)) },
    expected: () => ({
      status: 200,
      headers: { 'content-type': JSON_TYPE, 'set-cookie': `seen=${encodeURIComponent(signed('seen', 'zö'))}; Path=/; HttpOnly; SameSite=Lax` },
      body: JSON.stringify({ echo: echoed, type: JSON_TYPE, path: '/request/json', query: 'zö' }),
    }),
  },
  {
    name: 'request(environ).json() on a text/plain body: 415',
    sent: { method: 'POST', path: '/request/json', headers: { 'content-type': 'text/plain' }, body: Buffer.from('{}') },
    expected: () => ({
      status: 415,
      headers: {},
      body: 'json(): expected a JSON body (Content-Type application/json or */*+json), got Content-Type "text/plain"\n',
    }),
  },
  {
    name: 'request(environ).form(): an urlencoded form, UTF-8',
    sent: { method: 'POST', path: '/request/form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from('name=Zo%C3%AB&tags=a&tags=b+c') },
    expected: () => ({ status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ fields: [['name', 'Zoë'], ['tags', 'a'], ['tags', 'b c']] }) }),
  },
  {
    name: 'a 1 MiB body, gzip',
    sent: { method: 'GET', path: '/big', headers: { 'accept-encoding': 'gzip' } },
    expected: (target) => ({ status: 200, headers: { 'content-type': TEXT, ...encoded(target, 'gzip', 'gzip') }, body: show(bigText()) }),
  },
  {
    name: 'a 1 MiB body, brotli preferred',
    sent: { method: 'GET', path: '/big', headers: { 'accept-encoding': 'gzip;q=0.5, br' } },
    expected: (target) => ({ status: 200, headers: encoded(target, 'br', 'br'), body: show(bigText()) }),
  },
  {
    name: 'a 1 MiB body, identity',
    sent: { method: 'GET', path: '/big', headers: { 'accept-encoding': 'identity' } },
    expected: (target) => ({ status: 200, headers: encoded(target, undefined, undefined), body: show(bigText()) }),
  },
  {
    name: 'HEAD of the 1 MiB body: the headers a GET gets, no body',
    sent: { method: 'HEAD', path: '/big', headers: { 'accept-encoding': 'gzip' } },
    expected: (target) => ({ status: 200, headers: { 'content-type': TEXT, ...encoded(target, 'gzip', 'gzip') }, body: '' }),
  },
  {
    name: 'a 1 MiB upload, read whole and digested',
    sent: { method: 'POST', path: '/upload', headers: { 'content-type': 'application/octet-stream' }, body: uploadBytes() },
    expected: () => ({
      status: 200,
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({ bytes: BIG_SIZE, sha256: createHash('sha256').update(uploadBytes()).digest('hex') }) + '\n',
    }),
  },
  {
    name: 'an event stream, gzip asked: each event flushed through the compressor',
    sent: { method: 'GET', path: '/events', headers: { 'accept-encoding': 'gzip' } },
    expected: (target) => ({
      status: 200,
      headers: { 'content-type': 'text/event-stream', ...encoded(target, 'gzip', undefined) },
      body: events,
    }),
  },
  {
    name: 'a body the app gzipped itself: passed on, and decoded once (Workers must not encode it again)',
    sent: { method: 'GET', path: '/precompressed', headers: { 'accept-encoding': 'gzip' } },
    expected: () => ({ status: 200, headers: { 'content-type': TEXT, 'content-encoding': 'gzip', vary: undefined }, body: show(precompressedText()) }),
  },
  ...MIDDLEWARE_ROWS,
];
