/**
 * A slow stream of unknown length through gzip() (issue #16, point 9): every chunk the
 * app yields reaches the client, decoded, before the app yields the next one, even
 * when the whole body is far under the threshold. The app waits for the client's
 * receipt of each line, so a held chunk is a test that times out, not a number that
 * depends on the machine's load. Real clients: node:http with node:zlib for each
 * coding, and curl --compressed.
 */
import { onClose, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { spawn } from 'node:child_process';
import http from 'node:http';
import zlib from 'node:zlib';
import { gzip } from '../src/index.js';
import { withTimeout } from './with-timeout.js';

const LINES = 4;

/** What the app yielded so far, and the receipt the client gives for each line. */
interface Ticker {
  yielded: number;
  closed: number;
  receipt: (() => void) | undefined;
}

function tickerApp(ticker: Ticker): Application {
  return (_environ, startResponse) => {
    async function* ticks() {
      startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
      for (let i = 1; i <= LINES; i++) {
        ticker.yielded = i;
        yield Buffer.from(`tick ${i}\n`);
        if (i < LINES) await withTimeout(new Promise<void>((resolve) => (ticker.receipt = resolve)), 3000, `the client's receipt of tick ${i}`);
      }
    }
    return onClose(ticks(), () => ticker.closed++);
  };
}

/** Feeds decoded text in; calls back once per complete line. */
function lineReader(onLine: (line: string) => void): (text: string) => void {
  let pending = '';
  return (text) => {
    pending += text;
    let end: number;
    while ((end = pending.indexOf('\n')) !== -1) {
      onLine(pending.slice(0, end));
      pending = pending.slice(end + 1);
    }
  };
}

let served: Served;
let ticker: Ticker;
beforeAll(async () => {
  served = await serve(lint(gzip()((environ, startResponse) => tickerApp(ticker)(environ, startResponse))), { port: 0, host: '127.0.0.1' });
});
afterAll(() => served.close());
beforeEach(() => {
  ticker = { yielded: 0, closed: 0, receipt: undefined };
});

/** Each line the client decodes must be the last one the app yielded; then it lets the app go on. */
function receive(lines: string[]): (line: string) => void {
  return (line) => {
    lines.push(line);
    expect(ticker.yielded).toBe(lines.length);
    ticker.receipt?.();
  };
}

describe('a slow text stream under the threshold, through gzip()', () => {
  it.each([
    ['gzip', () => zlib.createGunzip()],
    ['deflate', () => zlib.createInflate()],
    ['br', () => zlib.createBrotliDecompress()],
  ])('%s: each line is decoded by the client before the app yields the next', async (coding, decoder) => {
    const lines: string[] = [];
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const req = http.get(served.url + '/', { headers: { 'Accept-Encoding': coding } }, (res) => {
          expect(res.headers['content-encoding']).toBe(coding);
          const decoded = res.pipe(decoder());
          decoded.setEncoding('utf8');
          decoded.on('data', lineReader(receive(lines)));
          decoded.on('end', resolve);
          decoded.on('error', reject);
        });
        req.on('error', reject);
      }),
      8000,
      'the whole stream',
    );
    expect(lines).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4']);
    expect(ticker.closed).toBe(1);
  });

  it('curl --compressed shows each line before the app yields the next', async () => {
    const lines: string[] = [];
    const curl = spawn('curl', ['-sS', '--no-buffer', '--compressed', '--max-time', '8', served.url + '/']);
    curl.stdout.setEncoding('utf8');
    curl.stdout.on('data', lineReader(receive(lines)));
    let stderr = '';
    curl.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await withTimeout(new Promise<number | null>((resolve) => curl.on('close', resolve)), 10_000, 'curl to finish');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(lines).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4']);
  });
});
