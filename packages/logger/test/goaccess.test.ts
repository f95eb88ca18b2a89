/**
 * goaccess (Debian's package; .ci/run installs it) reads our `common` and `combined`
 * lines as its COMMON and COMBINED formats (issue #16, point 13): every line is valid,
 * and its status counts and total bytes are those of the requests sent, including a
 * client that left mid-body (counted with the bytes that got through) and one that
 * left mid-upload (499), and the requests the server refused before the app, logged by
 * `rejectLog()` as its `onReject` (issue #16, point 14). Real gateway on 127.0.0.1;
 * node:http and raw `net` clients.
 */
import { readBody, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type OnReject, type Served } from '@tsgi/server';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessLog, rejectLog } from '../src/index.js';

const PAGE = Buffer.from('<p>' + 'tsgi '.repeat(199) + '</p>\n'); // 1003 bytes
const MISSING = Buffer.from('not found\n');
const TICK = Buffer.alloc(100, 't');
const FIRST = Buffer.alloc(1000, 'a');

const app: Application = async (environ, startResponse) => {
  switch (environ.PATH_INFO) {
    case '/page':
      startResponse('200 OK', [['Content-Type', 'text/html']]);
      return [PAGE];
    case '/empty':
      startResponse('204 No Content', []);
      return [];
    case '/stream':
      return (async function* () {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        for (let i = 0; i < 3; i++) yield TICK;
      })();
    case '/left-mid-body': {
      // One chunk, then nothing until the client has gone and the gateway closes it.
      let release: () => void = () => undefined;
      const gone = new Promise<void>((resolve) => (release = resolve));
      const body = (async function* () {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        yield FIRST;
        await gone;
      })();
      return Object.assign(body, { close: () => release() });
    }
    case '/upload': {
      const body = await readBody(environ);
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [body];
    }
    case '/boom':
      throw new Error('boom');
    default:
      startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
      return [MISSING];
  }
};

function request(url: string, method = 'GET'): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { 'User-Agent': 'probe "quoted" \\ agent', Referer: 'http://example.test/start?q="x"' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
      res.on('end', () => resolve({ status: res.statusCode!, bytes }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** Raw bytes on a fresh connection; leaves once `until` matches what came back (or at once). */
function rawAndLeave(port: number, data: string, until?: RegExp): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (chunk) => {
      got += chunk.toString('latin1');
      if (until?.test(got)) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.write(data);
    if (!until) setTimeout(() => socket.destroy(), 50);
    setTimeout(() => socket.destroy(), 4000);
  });
}

function goaccess(file: string, format: 'COMMON' | 'COMBINED', out: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('goaccess', [file, `--log-format=${format}`, '--no-global-config', '-o', out], { timeout: 20_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`goaccess failed: ${error.message}\n${stderr}`)) : resolve(),
    ),
  );
}

interface Report {
  general: { total_requests: number; valid_requests: number; failed_requests: number; bandwidth: number };
  status_codes: { data: Array<{ items: Array<{ data: string; hits: { count: number }; bytes: { count: number } }> }> };
}

describe('goaccess reads our Apache lines', () => {
  let served: Served;
  const logs = { common: '', combined: '' };
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsgi-goaccess-'));
    const toCommon = { format: 'common', stream: { write: (t: string) => void (logs.common += t) }, flushInterval: 0 } as const;
    const toCombined = { format: 'combined', stream: { write: (t: string) => void (logs.combined += t) }, flushInterval: 0 } as const;
    // The server's own hook type: rejectLog's structural info type must fit it.
    const refused: OnReject[] = [rejectLog(toCommon), rejectLog(toCombined)];
    served = await serve(lint(accessLog(toCombined)(accessLog(toCommon)(lint(app)))), {
      port: 0,
      host: '127.0.0.1',
      errors: { write: () => undefined },
      limits: { maxRequestLine: 200, maxHeaders: 10 },
      headersTimeout: 1000,
      onReject: (info) => refused.forEach((log) => log(info)),
    });
  });
  afterAll(async () => {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every line valid; status counts and total bytes are those sent', async () => {
    const url = served.url;
    const port = Number(new URL(url).port);
    // Status -> [hits, bytes sent by the app], as the requests below make them.
    const expected = new Map<number, [number, number]>();
    const count = (status: number, bytes: number): void => {
      const [hits, total] = expected.get(status) ?? [0, 0];
      expected.set(status, [hits + 1, total + bytes]);
    };
    for (let i = 0; i < 3; i++) {
      expect(await request(url + '/page')).toEqual({ status: 200, bytes: PAGE.byteLength });
      count(200, PAGE.byteLength);
    }
    expect(await request(url + '/page', 'HEAD')).toEqual({ status: 200, bytes: 0 });
    count(200, 0);
    expect(await request(url + '/stream')).toEqual({ status: 200, bytes: 3 * TICK.byteLength });
    count(200, 3 * TICK.byteLength);
    expect(await request(url + '/empty')).toEqual({ status: 204, bytes: 0 });
    count(204, 0);
    expect(await request(url + '/nope?x="1"')).toEqual({ status: 404, bytes: MISSING.byteLength });
    count(404, MISSING.byteLength);
    // The gateway's own 500 text is its answer, not bytes that passed the log.
    expect((await request(url + '/boom')).status).toBe(500);
    count(500, 0);
    // A client that reads the first 1000 bytes and leaves: 200, with those bytes.
    await rawAndLeave(port, 'GET /left-mid-body HTTP/1.1\r\nHost: t\r\n\r\n', /a{1000}/);
    count(200, FIRST.byteLength);
    // A client that leaves mid-upload: 499, nothing sent.
    await rawAndLeave(port, 'POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 500\r\n\r\n' + 'u'.repeat(100));
    count(499, 0);
    // Refused before the app: the server's RejectInfo has no byte count, so '-'.
    await rawAndLeave(port, `GET /${'x'.repeat(300)} HTTP/1.1\r\nHost: t\r\n\r\n`, /\r\n\r\n/);
    count(414, 0);
    await rawAndLeave(port, 'GET /h HTTP/1.1\r\nHost: t\r\n' + 'X-A: 1\r\n'.repeat(20) + '\r\n', /\r\n\r\n/);
    count(431, 0);
    await rawAndLeave(port, 'GET /bad HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n', /\r\n\r\n/);
    count(400, 0);
    // Headers that never end: 408 once headersTimeout passes, with no request line logged ("-").
    await rawAndLeave(port, 'GET /slow HTTP/1.1\r\nHost: t\r\n', /\r\n\r\n/);
    count(408, 0);
    const requests = [...expected.values()].reduce((sum, [hits]) => sum + hits, 0);
    for (let i = 0; i < 200 && logs.common.split('\n').length - 1 < requests; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));

    for (const format of ['common', 'combined'] as const) {
      const file = join(dir, `${format}.log`);
      const out = join(dir, `${format}.json`);
      writeFileSync(file, logs[format]);
      expect(logs[format].split('\n')).toHaveLength(requests + 1);
      await goaccess(file, format === 'common' ? 'COMMON' : 'COMBINED', out);
      const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
      expect(report.general).toMatchObject({ total_requests: requests, valid_requests: requests, failed_requests: 0 });
      const seen = new Map<number, [number, number]>();
      for (const group of report.status_codes.data) {
        for (const item of group.items) seen.set(parseInt(item.data, 10), [item.hits.count, item.bytes.count]);
      }
      expect(seen).toEqual(expected);
      expect(report.general.bandwidth).toBe([...expected.values()].reduce((sum, [, bytes]) => sum + bytes, 0));
    }
  });
});
