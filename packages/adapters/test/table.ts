/**
 * The conformance suite's table of requests and what each must give, shared by the
 * Node suite over seven hosts (conformance.test.ts) and the runtime matrix's Hono and
 * h3 rows on Bun and Deno (examples/runtimes/hosts-table.ts). Web APIs only.
 * @module
 */
import { JSON_TEXT } from './fetch-hosts.js';
import { ALICE } from './stack.js';

export interface Case {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** A request body (text/plain). */
  send?: string;
  status: number;
  body?: string;
  gzip: boolean;
  /** Compressed after all where the host gives the body without a length (see LENGTHLESS_HOSTS). */
  unknownLengthGzip?: boolean;
  /** The native route ran (false: the tsgi side answered by itself). */
  native: boolean;
}

export const TABLE: Case[] = [
  { name: 'passes on and compresses on the way out', path: '/json', headers: { 'Accept-Encoding': 'gzip' }, status: 200, body: JSON_TEXT, gzip: true, native: true },
  { name: 'passes on a small body unchanged', path: '/text', headers: { 'Accept-Encoding': 'gzip' }, status: 200, body: 'hello from the host', gzip: false, unknownLengthGzip: true, native: true },
  { name: 'passes on without Accept-Encoding', path: '/json', status: 200, body: JSON_TEXT, gzip: false, native: true },
  { name: 'answers itself: auth refuses', path: '/private/data', status: 401, gzip: false, native: false },
  { name: 'auth passes the user below', path: '/private/data', headers: { Authorization: ALICE }, status: 200, body: 'user=alice', gzip: false, native: true },
  { name: 'answers itself: a tsgi route', path: '/tsgi/hello', status: 200, body: 'hello from a tsgi route', gzip: false, native: false },
  { name: "the host's own 404", path: '/missing', status: 404, gzip: false, native: false },
  { name: 'a request body the tsgi side leaves unread reaches the route below', method: 'POST', path: '/echo', headers: { 'Content-Type': 'text/plain' }, send: 'ping', status: 200, body: 'echo: ping', gzip: false, native: true },
  { name: 'HEAD: headers only', method: 'HEAD', path: '/json', headers: { 'Accept-Encoding': 'gzip' }, status: 200, body: '', gzip: true, native: true },
];

/**
 * Hosts whose answers reach the tsgi side as a body of unknown length: the fetch
 * hosts hand their Response body over as a stream, which gzip() compresses from its
 * first chunk (its size threshold needs a known length).
 */
export const LENGTHLESS_HOSTS = new Set(['Hono', 'h3']);

/**
 * Hosts that reject `next()` with an error thrown below, so it passes up through the
 * tsgi stack to the host's handler (no X-Tsgi stamp on the 500); the others answer
 * it below, and their 500 comes back up through the stack.
 */
export const ERRORS_PASS_THROUGH = new Set(['Koa', 'h3']);

/** Whether `row` comes back gzip-encoded from `host` (a server's gzip(), not an edge's). */
export function gzippedBy(row: Case, host: string): boolean {
  return row.gzip || (row.unknownLengthGzip === true && LENGTHLESS_HOSTS.has(host));
}
