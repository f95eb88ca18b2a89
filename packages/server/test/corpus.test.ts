/**
 * gunicorn's invalid-request corpus over raw sockets: every case is answered with a
 * 4xx (with `Connection: close`) or a closed connection, and the app is never called.
 * Cases that gunicorn ran with a config get the matching tsgi limits. Each case runs
 * again with a valid request pipelined behind it (which must not reach the app
 * either), and valid pipelines cut off after the first bytes must close every body.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import * as path from 'node:path';
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import type { LimitsOptions, RejectInfo } from '../src/index.js';
import { headOf, startServer, type TestServer } from './helpers.js';

// Kept in the repository (with gunicorn's MIT notice) so every clone and CI runs it.
const CORPUS = path.join(__dirname, 'corpus', 'gunicorn-invalid');

/** The corpus's escapes: real newlines dropped, then \r \n \t \0 \xNN. */
export function decodeCase(text: string): Buffer {
  const s = text.replace(/\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      const next = s[i + 1];
      const simple = next === 'r' ? 13 : next === 'n' ? 10 : next === 't' ? 9 : next === '0' ? 0 : -1;
      if (simple !== -1) {
        out.push(simple);
        i++;
        continue;
      }
      if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
        out.push(parseInt(s.slice(i + 2, i + 4), 16));
        i += 3;
        continue;
      }
    }
    out.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(out);
}

/** Sends `data` on a fresh connection; the answer, whether the server closed, and our port. */
function send(port: number, data: Buffer, idleMs: number): Promise<{ text: string; closed: boolean; localPort: number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let localPort = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed, localPort });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => done(false), idleMs);
    };
    socket.once('connect', () => {
      localPort = socket.localPort ?? 0;
      socket.write(data);
      arm();
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      arm();
    });
    socket.on('close', () => done(true));
    socket.on('error', () => done(true));
  });
}

interface Case {
  file: string;
  expected: string;
  config: string;
}

function readCases(): Case[] {
  const lines = readFileSync(path.join(CORPUS, 'expected.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [file = '', , expected = '', config = ''] = line.split('\t');
    return { file, expected, config };
  });
}

/** gunicorn's per-case settings as tsgi limits. */
function limitsFor(config: string): LimitsOptions | null {
  const limits: LimitsOptions = {};
  for (const [, key, value] of config.matchAll(/cfg\.set\(['"](\w+)['"],\s*([^)]+)\)/g)) {
    const v = value!.trim().replace(/^['"]|['"]$/g, '');
    if (key === 'limit_request_field_size') limits.maxHeaderFieldBytes = Number(v) || undefined; // gunicorn: 0 = its default
    else if (key === 'limit_request_fields') limits.maxHeaders = Number(v);
    else if (key === 'limit_request_line') limits.maxRequestLine = Number(v) || undefined;
    else if (key === 'header_map') limits.headerMap = v as 'refuse';
    else if (key === 'proxy_protocol') return null; // not supported: skip
  }
  return limits;
}

const cases = readCases();
const runnable = cases.filter((c) => limitsFor(c.config) !== null);

const calls: string[] = [];
const bodies = { made: 0, closed: 0 };
const app: Application = (environ, startResponse) => {
  calls.push(`${environ.REQUEST_METHOD} ${environ.REQUEST_URI}`);
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  if (environ.PATH_INFO === '/stream') {
    // A long streamed body, for the pipelining rows that hang up after the first bytes.
    bodies.made++;
    return Object.assign(
      (async function* () {
        for (let i = 0; i < 256; i++) {
          yield Buffer.alloc(16 * 1024, 115);
          await new Promise((resolve) => setImmediate(resolve));
        }
      })(),
      { close: () => void bodies.closed++ },
    );
  }
  return [Buffer.from('reached the app\n')];
};

const servers = new Map<string, TestServer>();
const rejects: RejectInfo[] = [];
async function serverFor(limits: LimitsOptions): Promise<TestServer> {
  const key = JSON.stringify(limits);
  let server = servers.get(key);
  if (server === undefined) {
    server = await startServer(lint(app), { limits, onReject: (info) => rejects.push(info) });
    servers.set(key, server);
  }
  return server;
}

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
});

describe("gunicorn's invalid-request corpus", () => {
  test('the corpus is all there (74 cases, 3 PROXY-protocol ones skipped)', () => {
    expect(cases.length).toBe(74);
    expect(readdirSync(CORPUS).filter((f) => f.endsWith('.http'))).toHaveLength(74);
    expect(runnable.length).toBe(71);
  });

  test.each(runnable.map((c) => [c.file, c] as const))('%s: refused, app never called', async (_file, c) => {
    const server = await serverFor(limitsFor(c.config)!);
    calls.length = 0;
    const data = decodeCase(readFileSync(path.join(CORPUS, c.file), 'latin1'));
    const result = await send(server.port, data, 400);
    expect(calls).toEqual([]);
    if (result.text === '') {
      // No answer at all is only right for a request that never completes.
      expect(c.expected).toBe('400-or-close');
      return;
    }
    const { statusLine, headers } = headOf(result.text);
    expect(statusLine).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(headers.connection).toBe('close');
    expect(result.closed).toBe(true);
    // (013 relies on gunicorn's permit_obsolete_folding; node never accepts obs-fold: 400.)
    if (c.expected.startsWith('431') && !c.config.includes('permit_obsolete_folding')) expect(statusLine).toMatch(/ 431 /);
    // Every refusal reaches the onReject hook (an access log's line), once.
    expect(rejects.filter((info) => info.remotePort === result.localPort).map((info) => info.status)).toEqual([
      Number(statusLine.slice(9, 12)),
    ]);
  });
});

/**
 * The same corpus with a valid request pipelined behind each case, in the same packet:
 * a refusal ends the connection, so the request behind it must never reach the app
 * either (a server that ran it would answer into a connection it already closed, and
 * a proxy in front that framed the bytes differently would be desynchronized).
 */
const FOLLOWER = Buffer.from('POST /side-effect HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n', 'latin1');

describe("gunicorn's corpus with a request pipelined behind each case", () => {
  test.each(runnable.map((c) => [c.file, c] as const))('%s + a pipelined POST: the app is never called', async (_file, c) => {
    const server = await serverFor(limitsFor(c.config)!);
    calls.length = 0;
    const data = decodeCase(readFileSync(path.join(CORPUS, c.file), 'latin1'));
    const result = await send(server.port, Buffer.concat([data, FOLLOWER, FOLLOWER]), 400);
    expect(calls).toEqual([]);
    // At most the one refusal: nothing answered for the requests behind it.
    expect((result.text.match(/HTTP\/1\.1 \d{3} /g) ?? []).length).toBeLessThanOrEqual(1);
  });
});

/** Pipelines `count` GETs of /stream and hangs up on the first bytes back. */
function pipelineAndHangUp(port: number, count: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
    socket.once('data', () => socket.destroy());
    socket.write('GET /stream HTTP/1.1\r\nHost: example.com\r\n\r\n'.repeat(count));
  });
}

describe('pipelined requests cut off after the first bytes', () => {
  test.each([1, 2, 3, 5, 8])('%i pipelined: every body the app made is closed', async (count) => {
    const server = await serverFor({});
    calls.length = 0;
    bodies.made = bodies.closed = 0;
    await pipelineAndHangUp(server.port, count);
    // Bounded by time, not tries: on a loaded machine the closes can take a while to run.
    for (const end = Date.now() + 10_000; bodies.closed < bodies.made && Date.now() < end; ) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bodies.made).toBeGreaterThanOrEqual(1);
    expect(bodies.closed).toBe(bodies.made);
  });
});

/**
 * Transfer codings the server does not implement (RFC 9112 6.1): node's parser reads
 * any body whose last coding is `chunked` as plain chunked, so without this check
 * `gzip, chunked` would hand the app gzip bytes as the body. Each is refused before
 * the app runs: 501 when `chunked` is last, 400 when the length cannot be known.
 */
const CHUNKED_BODY = '5\r\nhello\r\n0\r\n\r\n';
const TE_CASES: Array<{ name: string; headers: string; status: number }> = [
  { name: 'identity, chunked', headers: 'Transfer-Encoding: identity, chunked\r\n', status: 501 },
  { name: 'gzip, chunked', headers: 'Transfer-Encoding: gzip, chunked\r\n', status: 501 },
  { name: 'GZIP , Chunked (any case, spaces)', headers: 'Transfer-Encoding: GZIP , Chunked\r\n', status: 501 },
  { name: 'gzip then chunked in two fields', headers: 'Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n', status: 501 },
  { name: 'deflate, chunked', headers: 'Transfer-Encoding: deflate, chunked\r\n', status: 501 },
  { name: 'gzip alone (no final chunked)', headers: 'Transfer-Encoding: gzip\r\n', status: 400 },
];

describe('Transfer-Encoding the server does not implement', () => {
  test.each(TE_CASES)('$name: $status, app never called', async ({ headers, status }) => {
    const server = await serverFor({});
    calls.length = 0;
    const data = Buffer.from(`POST /upload HTTP/1.1\r\nHost: example.com\r\n${headers}\r\n${CHUNKED_BODY}`, 'latin1');
    const result = await send(server.port, data, 400);
    expect(calls).toEqual([]);
    const { statusLine, headers: answer } = headOf(result.text);
    expect(statusLine.slice(0, 13)).toBe(`HTTP/1.1 ${status} `);
    expect(answer.connection).toBe('close');
    expect(result.closed).toBe(true);
    expect(rejects.filter((info) => info.remotePort === result.localPort).map((info) => info.status)).toEqual([status]);
  });

  test.each([
    ['chunked', 'Transfer-Encoding: chunked\r\n'],
    ['Chunked (any case)', 'Transfer-Encoding: Chunked\r\n'],
    ['chunked after an empty list element', 'Transfer-Encoding: , chunked\r\n'],
  ])('%s alone still reaches the app', async (_name, headers) => {
    const server = await serverFor({});
    calls.length = 0;
    const data = Buffer.from(`POST /upload HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n${headers}\r\n${CHUNKED_BODY}`, 'latin1');
    const result = await send(server.port, data, 400);
    expect(headOf(result.text).statusLine).toBe('HTTP/1.1 200 OK');
    expect(calls).toEqual(['POST /upload']);
  });
});
