/**
 * An app may throw anything, and the server keeps serving (README: "An error before
 * headers are sent is a 500 ... and the server keeps serving"). Each value in HOSTILE
 * is one `String(value)` or `value.stack` throws on; each is thrown at every point of
 * POINTS (sync throw, rejection, as the body, in the body before and after the headers,
 * from close()). The client gets a 500, a cut, or (a close() error) its whole response;
 * the error is logged; the next request on a new connection is served; and in a child
 * process, the process is still alive at the end.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { HOSTILE, POINTS, hostileApp, type Seen } from './fixtures/hostile-app.js';
import { bodyOf, headOf, rawRequest, startServer, waitFor, type TestServer } from './helpers.js';

let server: TestServer;
let closes = 0;

beforeAll(async () => {
  // unlinted: the gateway's own error paths are under test here (lint turns a hostile body into a LintError first); the child process below serves the same app under lint().
  server = await startServer(hostileApp(() => void closes++));
});
afterAll(() => server.close());

const get = (target: string): string => `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;

/** What a raw answer came to, as POINTS names it. */
function seen(text: string, closed: boolean): Seen | string {
  const { statusLine } = headOf(text);
  if (statusLine === 'HTTP/1.1 500 Internal Server Error') return '500';
  if (statusLine !== 'HTTP/1.1 200 OK') return `unexpected: ${JSON.stringify(text.slice(0, 80))}`;
  const body = bodyOf(text);
  // Chunked and cut: the last chunk never came. Whole: "whole", framed either way.
  if (closed && text.includes('first') && !body.endsWith('0\r\n\r\n')) return 'cut';
  return body.includes('whole') && (!body.includes('\r\n') || body.endsWith('0\r\n\r\n')) ? '200' : `unexpected: ${JSON.stringify(body)}`;
}

const ROWS = Object.entries(POINTS).flatMap(([point, expected]) =>
  HOSTILE.map(([name], index) => [point, name, index, expected] as const),
);

describe('a hostile thrown value never takes the server down', () => {
  test.each(ROWS)('%s, %s (value %i)', async (point, _name, index, expected) => {
    const closesBefore = closes;
    const logBefore = server.log.length;
    const result = await rawRequest(server.port, get(`/${point}/${index}`));
    expect(seen(result.text, result.closed)).toBe(expected);
    // Logged, described somehow, in one entry.
    expect(await waitFor(() => server.log.length > logBefore)).toBe(true);
    const entry = server.log.slice(logBefore).join('');
    expect(entry).toMatch(new RegExp(`^tsgi: error (in application|while closing the response body) \\(GET /${point}/${index}\\): .+`));
    // A body the app returned is closed, once.
    if (point !== 'throw' && point !== 'reject' && point !== 'returned-as-body') {
      expect(await waitFor(() => closes > closesBefore)).toBe(true);
      expect(closes - closesBefore).toBe(1);
    }
    // And the server still answers, on a new connection.
    const next = await rawRequest(server.port, get('/ok'));
    expect(headOf(next.text).statusLine).toBe('HTTP/1.1 200 OK');
    expect(bodyOf(next.text)).toBe('ok');
  });
});

test('in a child process, every hostile value at every point leaves the process serving', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'hostile-server.ts')], {
    cwd: path.join(__dirname, '..', '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(Number(new URL(out.trim()).port));
      });
      child.once('exit', (code) => reject(new Error(`hostile-server exited with ${code}: ${stderr}`)));
    });
    const outcomes: string[] = [];
    for (const [point, , index, expected] of ROWS) {
      const result = await rawRequest(port, get(`/${point}/${index}`));
      const outcome = seen(result.text, result.closed);
      if (outcome !== expected) outcomes.push(`${point}/${index}: ${outcome}`);
    }
    expect(outcomes).toEqual([]);
    // Let any late rejection or uncaught error have its turn before asking.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect({ exitCode: child.exitCode, signal: child.signalCode }).toEqual({ exitCode: null, signal: null });
    const last = await rawRequest(port, get('/ok'));
    expect(bodyOf(last.text)).toBe('ok');
    // Every hostile value was logged, none of them as a crash.
    expect(stderr).not.toMatch(/Uncaught|triggerUncaughtException|unhandled/i);
  } finally {
    child.kill();
  }
}, 30_000);
