/**
 * Shared helpers for the socket-level tests: a server on 127.0.0.1:0 with a
 * recorded `wsgi.errors`, and a raw `net` client that returns the exact bytes.
 */
import { connect, type Socket } from 'node:net';
import type { Application } from '@tsgi/core';
import { serve, type ServeOptions, type Served } from '../src/index.js';

export interface TestServer extends Served {
  port: number;
  /** Everything written to wsgi.errors. */
  log: string[];
}

export async function startServer(app: Application, options: ServeOptions = {}): Promise<TestServer> {
  const log: string[] = [];
  const served = await serve(app, {
    port: 0,
    errors: { write: (text: string) => log.push(text) },
    shutdownTimeout: 2000,
    ...options,
  });
  return { ...served, port: Number(new URL(served.url).port), log };
}

export interface RawResult {
  text: string;
  bytes: Buffer;
  /** True when the server closed (or reset) the connection. */
  closed: boolean;
}

/**
 * Writes `data` on a fresh connection and collects the answer until the server
 * closes the connection or `idleMs` pass without a byte. The first byte gets at least
 * `FIRST_BYTE_MS`: on a loaded machine an answer can take longer than `idleMs` to start.
 */
export function rawRequest(port: number, data: string | Buffer, idleMs = 300): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout;
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      const bytes = Buffer.concat(chunks);
      resolve({ text: bytes.toString('latin1'), bytes, closed });
    };
    const arm = (ms: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => done(false), ms);
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      arm(idleMs);
    });
    socket.on('close', () => done(true));
    socket.on('error', () => done(true));
    socket.write(data);
    arm(Math.max(idleMs, FIRST_BYTE_MS));
  });
}
const FIRST_BYTE_MS = 5000;

/** An open raw connection for tests that talk in several steps. */
export function openSocket(port: number): Promise<Socket & { received: () => string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1') as Socket & { received: () => string };
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.received = () => Buffer.concat(chunks).toString('latin1');
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 10 ms until it is true or `ms` pass. */
export async function waitFor(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}

/** The body of a raw HTTP response (after the blank line). */
export function bodyOf(text: string): string {
  const at = text.indexOf('\r\n\r\n');
  return at === -1 ? '' : text.slice(at + 4);
}

/** The head of the first raw HTTP response, header names lower-cased. */
export function headOf(text: string): { statusLine: string; headers: Record<string, string> } {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { statusLine, headers };
}

export const text = (value: string): Buffer => Buffer.from(value);

/** An environ snapshot without the objects, for JSON. */
export function environJson(environ: Record<string, unknown>): Buffer {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(environ)) {
    if (typeof value === 'string' || typeof value === 'boolean' || Array.isArray(value)) plain[key] = value;
  }
  return Buffer.from(JSON.stringify(plain));
}

/** The JSON body of a raw response. */
export function jsonOf<T = Record<string, unknown>>(result: RawResult): T {
  const at = result.bytes.indexOf('\r\n\r\n');
  return JSON.parse(result.bytes.subarray(at + 4).toString('utf8')) as T;
}
