/**
 * tempFileReaper() over a real socket: an upload past fileMemoryThreshold is spooled to
 * a temp file, which is gone once the response is over, however it ends: the answer
 * sent, the client leaving while a streamed answer is still going out, the app
 * rejecting after it stored the file, the body throwing while it is sent, and a parse
 * made below a layer that copied the environ. Without the reaper the file stays (the
 * first case), which is what the middleware is for.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Application, Body, Environ } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { readMultipartForm, request, tempFileReaper } from '../src/index.js';

const BOUNDARY = 'reaperBoundary';
const FILE_SIZE = 1_000_000; // past the default fileMemoryThreshold (500 kB): a temp file

function uploadBody(): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nHoliday\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="a.bin"\r\n\r\n`),
    Buffer.alloc(FILE_SIZE, 7),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(check: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}

let dir: string;
let served: Served | undefined;
const log: string[] = [];
const tempFiles = (): string[] => readdirSync(dir);

async function start(app: Application): Promise<string> {
  served = await serve(app, { host: '127.0.0.1', port: 0, errors: { write: (text: string) => void log.push(text) } });
  return served.url;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsgi-reaper-'));
  log.length = 0;
});
afterEach(async () => {
  await served?.close();
  served = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Reads the form (the file to a temp file in `dir`) and says how many temp files there are. */
async function storeUpload(environ: Environ): Promise<number> {
  const form = await readMultipartForm(environ, { tempDir: dir });
  expect(form.file('photo')?.storage).toBe('disk');
  return tempFiles().length;
}

const post = (url: string): Promise<Response> =>
  fetch(`${url}/upload`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: uploadBody() });

const answered: Application = async function answered(environ, startResponse) {
  const seen = await storeUpload(environ);
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from(`temp files while answering: ${seen}`)];
};

test('without the reaper, a temp file outlives the response (the app must call cleanup())', async () => {
  const url = await start(lint(answered));
  const response = await post(url);
  expect(await response.text()).toBe('temp files while answering: 1');
  await sleep(200);
  expect(tempFiles()).toHaveLength(1);
});

test('the answer sent: the temp file is removed when the gateway closes the body', async () => {
  const url = await start(lint(tempFileReaper()(answered)));
  const response = await post(url);
  expect(await response.text()).toBe('temp files while answering: 1');
  expect(await waitUntil(() => tempFiles().length === 0)).toBe(true);
});

test('the client leaves while a streamed answer is going out: removed when the gateway closes the body', async () => {
  let closed = false;
  const streaming: Application = async function streaming(environ, startResponse) {
    await storeUpload(environ);
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    const body: Body = (async function* forever() {
      try {
        for (;;) {
          yield Buffer.alloc(16 * 1024, 1);
          await sleep(5);
        }
      } finally {
        closed = true;
      }
    })();
    return body;
  };
  const url = new URL(await start(lint(tempFileReaper()(streaming))));
  const socket = connect(Number(url.port), '127.0.0.1');
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.byteLength));
  socket.on('error', () => undefined);
  socket.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${uploadBody().byteLength}\r\n\r\n`);
  socket.write(uploadBody());
  expect(await waitUntil(() => received > 64 * 1024)).toBe(true);
  expect(tempFiles()).toHaveLength(1);
  socket.destroy();
  expect(await waitUntil(() => closed && tempFiles().length === 0)).toBe(true);
});

test('the app rejects after storing the file: removed, and the error still reaches the gateway (500)', async () => {
  const failing: Application = async function failing(environ) {
    await storeUpload(environ);
    throw new Error('could not save the photo');
  };
  const url = await start(lint(tempFileReaper()(failing)));
  const response = await post(url);
  expect(response.status).toBe(500);
  await response.arrayBuffer();
  expect(tempFiles()).toEqual([]);
  expect(log.join('')).toContain('could not save the photo');
});

test('the body throws while it is sent: removed when the gateway closes it', async () => {
  const broken: Application = async function broken(environ, startResponse) {
    await storeUpload(environ);
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* failsLater() {
      yield Buffer.from('part of it');
      throw new Error('the disk went away');
    })();
  };
  const url = await start(lint(tempFileReaper()(broken)));
  await post(url)
    .then((response) => response.text())
    .catch(() => undefined);
  expect(await waitUntil(() => tempFiles().length === 0)).toBe(true);
  expect(log.join('')).toContain('the disk went away');
});

test('a parse below a layer that copied the environ, through request(environ).multipart(), is reaped too', async () => {
  const viaView: Application = async function viaView(environ, startResponse) {
    for await (const part of request(environ).multipart({ tempDir: dir })) {
      if (part.isFile) await part.store();
      else await part.skip();
    }
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from(String(tempFiles().length))];
  };
  const copying: Application = (environ, startResponse) => viaView({ ...environ }, startResponse);
  const url = await start(lint(tempFileReaper()(copying)));
  const response = await post(url);
  expect(await response.text()).toBe('1');
  expect(await waitUntil(() => tempFiles().length === 0)).toBe(true);
});
