/**
 * Multipart over a real socket: serve() on 127.0.0.1 under lint(), a browser-shaped
 * upload from fetch + FormData, temp files removed when the response body closes, a
 * limit answered as a 413, and a client that leaves mid-upload.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHttpError, onClose, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { readMultipartForm } from '../src/multipart/index.js';

const json = (status: string, value: unknown, startResponse: Parameters<Application>[1]) => {
  startResponse(status, [['Content-Type', 'application/json']]);
  return [Buffer.from(JSON.stringify(value))];
};

describe('multipart over a socket', () => {
  let dir: string;
  let served: Served;
  let finished: Promise<unknown>;
  let finish: (outcome: unknown) => void = () => undefined;

  const app: Application = async (environ, startResponse) => {
    try {
      const form = await readMultipartForm(environ, { tempDir: dir, maxFileSize: 4 * 1024 * 1024 });
      const files = await Promise.all(
        form.files.map(async (file) => ({
          name: file.name,
          filename: file.filename,
          type: file.contentType,
          size: file.size,
          storage: file.storage,
          sha256: createHash('sha256').update(await file.bytes()).digest('hex'),
        })),
      );
      const tempFiles = readdirSync(dir).length;
      finish('answered');
      // The request object's way: temp files go when the gateway closes the body.
      return onClose(json('200 OK', { fields: form.fields, files, tempFiles }, startResponse), () => void form.cleanup());
    } catch (error) {
      finish(error);
      if (isHttpError(error)) return json(`${error.status} ${error.status === 413 ? 'Content Too Large' : 'Bad Request'}`, { error: error.message }, startResponse);
      throw error;
    }
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsgi-mp-socket-'));
    finished = new Promise((resolve) => (finish = resolve));
    served = await serve(lint(app), { host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a FormData upload from fetch: fields, a small file in memory, a large one on disk, removed after the response', async () => {
    const large = new Uint8Array(1_500_000).map((_, i) => (i * 31) % 256);
    const form = new FormData();
    form.append('title', 'Holiday ☀');
    form.append('tags', 'a');
    form.append('tags', 'b');
    form.append('note', new Blob(['hello']), 'note.txt');
    form.append('photo', new Blob([large], { type: 'image/jpeg' }), 'beach photo.jpg');
    const response = await fetch(`${served.url}/upload`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { fields: unknown; files: Array<Record<string, unknown>>; tempFiles: number };
    expect(result.fields).toEqual([
      ['title', 'Holiday ☀'],
      ['tags', 'a'],
      ['tags', 'b'],
    ]);
    expect(result.files).toEqual([
      { name: 'note', filename: 'note.txt', type: 'application/octet-stream', size: 5, storage: 'memory', sha256: createHash('sha256').update('hello').digest('hex') },
      { name: 'photo', filename: 'beach photo.jpg', type: 'image/jpeg', size: large.byteLength, storage: 'disk', sha256: createHash('sha256').update(large).digest('hex') },
    ]);
    expect(result.tempFiles).toBe(1);
    // The body was closed once the response was sent; cleanup runs right after.
    for (let i = 0; i < 500 && readdirSync(dir).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('answers 413 for a file over maxFileSize and leaves no temp file', async () => {
    const form = new FormData();
    form.append('big', new Blob([new Uint8Array(5 * 1024 * 1024)]), 'big.bin');
    const response = await fetch(`${served.url}/upload`, { method: 'POST', body: form });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/"big.bin".*maxFileSize \(4194304 bytes\): raise the maxFileSize option/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes the temp file of a client that leaves mid-upload', async () => {
    const { port } = new URL(served.url);
    const head = '--b\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n\r\n';
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 10000000\r\n\r\n${head}`,
    );
    socket.write(Buffer.alloc(1_000_000, 1));
    // Wait until the app has spilled to a temp file, then hang up.
    for (let i = 0; i < 500 && readdirSync(dir).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(readdirSync(dir)).toHaveLength(1);
    socket.destroy();
    const outcome = await finished;
    expect((outcome as Error).name).toBe('ClientDisconnected');
    expect(readdirSync(dir)).toEqual([]);
  });
});
