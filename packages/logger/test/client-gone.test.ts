/**
 * A client that leaves is logged once, with the status it got (issue #16, point 12):
 * mid-upload, the app's access log writes one line with nginx's 499 and `onReject`
 * stays silent; the same client on a request the gate still holds (a buffered chunked
 * upload) never reached the app, so `onReject` logs it, once. Real gateway on
 * 127.0.0.1, raw `net` clients, the app under lint().
 */
import { isClientDisconnected, readBody, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type RejectInfo, type Served } from '@tsgi/server';
import { connect } from 'node:net';
import { accessLog } from '../src/index.js';

interface Run {
  served: Served;
  port: number;
  rejects: RejectInfo[];
  appErrors: unknown[];
  /** The access-log lines so far, waiting up to 2 s for `count`. */
  lines(count: number): Promise<string[]>;
}

const runs: Served[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((s) => s.close()));
});

async function start(app: Application): Promise<Run> {
  let text = '';
  const stream = { write: (t: string) => void (text += t) };
  const common = accessLog({ format: 'common', stream, flushInterval: 0 });
  const json = accessLog({ format: 'json', stream, flushInterval: 0, requestIdHeader: false });
  const rejects: RejectInfo[] = [];
  const appErrors: unknown[] = [];
  const served = await serve(lint(common(json(lint(app)))), {
    port: 0,
    host: '127.0.0.1',
    errors: { write: () => undefined },
    onReject: (info) => rejects.push(info),
  });
  runs.push(served);
  return {
    served,
    port: Number(new URL(served.url).port),
    rejects,
    appErrors,
    async lines(count) {
      for (let i = 0; i < 200 && text.split('\n').length - 1 < count; i++) await new Promise((r) => setTimeout(r, 10));
      // Anything more would come now: the gateway answers in the same turn.
      await new Promise((r) => setTimeout(r, 100));
      return text === '' ? [] : text.slice(0, -1).split('\n');
    },
  };
}

/** The one common line and the one JSON line, failing on any other count. */
function byFormat(lines: string[]): [string, string] {
  const json = lines.filter((line) => line.startsWith('{'));
  const common = lines.filter((line) => !line.startsWith('{'));
  expect([common.length, json.length]).toEqual([1, 1]);
  return [common[0]!, json[0]!];
}

/** Sends `head` and `body`, then leaves by `how`; resolves with what the client received. */
function leaveMidUpload(port: number, head: string, body: string, how: 'end' | 'destroy'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (chunk) => (got += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(got));
    socket.write(head + body);
    setTimeout(() => (how === 'end' ? socket.end() : socket.destroy()), 50);
    setTimeout(() => socket.destroy(), 3000);
  });
}

/** Reads the whole upload, then answers; records what reading threw. */
function uploadApp(appErrors: unknown[]): Application {
  return async (environ, startResponse) => {
    try {
      const body = await readBody(environ);
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [Buffer.from(`got ${body.byteLength}\n`)];
    } catch (error) {
      appErrors.push(error);
      throw error;
    }
  };
}

describe('a client that leaves mid-upload', () => {
  it.each(['end', 'destroy'] as const)('(%s): one access-log line, 499 and no bytes; onReject is not called', async (how) => {
    const errors: unknown[] = [];
    const run = await start(uploadApp(errors));
    const got = await leaveMidUpload(run.port, 'POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n', 'a'.repeat(100), how);
    const [common, json] = byFormat(await run.lines(2));
    expect(got).toBe(''); // no status reached the client
    expect(common).toMatch(/^127\.0\.0\.1 - - \[[^\]]+\] "POST \/upload HTTP\/1\.1" 499 -$/);
    expect(JSON.parse(json!)).toMatchObject({ status: 499, bytes: 0, outcome: 'aborted' });
    expect(run.rejects).toEqual([]);
    // What the app saw: core's ClientDisconnected, which is how the log knew.
    expect(errors).toHaveLength(1);
    expect(isClientDisconnected(errors[0])).toBe(true);
  });

  it('on a chunked upload the gate still holds, the app never runs and onReject logs it once', async () => {
    const errors: unknown[] = [];
    let called = 0;
    const run = await start((environ, startResponse) => {
      called++;
      return uploadApp(errors)(environ, startResponse);
    });
    await leaveMidUpload(run.port, 'POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n', '64\r\n' + 'a'.repeat(50), 'end');
    expect(await run.lines(0)).toEqual([]);
    expect(called).toBe(0);
    expect(run.rejects).toHaveLength(1);
    expect(run.rejects[0]).toMatchObject({ status: 400, method: 'POST', url: '/upload' });
  });
});

describe('a client that leaves before any status went out', () => {
  it('is logged 499, once, while a slow app has not yielded yet', async () => {
    let closed = 0;
    const run = await start((_environ, startResponse) => {
      const body = (async function* () {
        await new Promise((r) => setTimeout(r, 300));
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        yield Buffer.from('late\n');
      })();
      return Object.assign(body, { close: () => void closed++ });
    });
    const socket = connect(run.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /slow HTTP/1.1\r\nHost: t\r\n\r\n');
    setTimeout(() => socket.destroy(), 50);
    const [common, json] = byFormat(await run.lines(2));
    expect(common).toMatch(/"GET \/slow HTTP\/1\.1" 499 -$/);
    expect(JSON.parse(json!)).toMatchObject({ status: 499, bytes: 0, outcome: 'aborted' });
    expect(closed).toBe(1);
    expect(run.rejects).toEqual([]);
  });
});
