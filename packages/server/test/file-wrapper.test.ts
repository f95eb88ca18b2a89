import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Application, Body } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { fileWrapper, isFileBody } from '../src/index.js';
import { bodyOf, headOf, openSocket, rawRequest, startServer, waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsgi-file-'));
const path = join(dir, 'data.bin');
const content = Buffer.alloc(300_000);
for (let i = 0; i < content.length; i++) content[i] = (i * 7) % 251;
writeFileSync(path, content);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const serveFile: Application = (environ, startResponse) => {
  const headers: Array<[string, string]> = [['Content-Type', 'application/octet-stream']];
  if (environ.QUERY_STRING) headers.push(['Content-Length', environ.QUERY_STRING]);
  startResponse('200 OK', headers);
  return environ['wsgi.file_wrapper']!(path, 16 * 1024);
};

test('a file_wrapper body is sent whole, with Content-Length from fstat', async () => {
  const server = await startServer(lint(serveFile));
  try {
    const response = await fetch(server.url);
    expect(response.headers.get('content-length')).toBe(String(content.length));
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
  } finally {
    await server.close();
  }
});

test("the app's Content-Length caps the file; a disagreement closes the connection", async () => {
  const server = await startServer(lint(serveFile));
  try {
    const result = await rawRequest(server.port, 'GET /?1000 HTTP/1.1\r\nHost: h\r\n\r\n');
    expect(headOf(result.text).headers['content-length']).toBe('1000');
    expect(Buffer.from(bodyOf(result.text), 'latin1').equals(content.subarray(0, 1000))).toBe(true);
    expect(result.closed).toBe(true);
  } finally {
    await server.close();
  }
});

test('an open FileHandle works too, and close() closes it', async () => {
  const handle = await open(path, 'r');
  const server = await startServer(lint((environ, startResponse) => {
    startResponse('200 OK', []);
    return environ['wsgi.file_wrapper']!(handle);
  }));
  try {
    const response = await fetch(server.url);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    // A closed FileHandle has fd -1.
    expect(await waitFor(() => handle.fd === -1)).toBe(true);
  } finally {
    await server.close();
  }
});

/** This process's open file descriptors on `file` (Linux /proc), read without waiting for a GC. */
function fdsOn(file: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === file) count++;
    } catch {
      // Closed between the listing and the readlink.
    }
  }
  return count;
}

test('a path body under lint() is closed with the file: no descriptor left for the GC to close', async () => {
  // lint() hands up Object.create(body): the gateway sends that view by the file path, so
  // the file the view opened must be the one the body's close() closes.
  const server = await startServer(lint(serveFile));
  try {
    for (let i = 0; i < 5; i++) {
      const response = await fetch(server.url);
      expect((await response.arrayBuffer()).byteLength).toBe(content.length);
    }
    expect(await waitFor(() => fdsOn(path) === 0, 2000)).toBe(true);
  } finally {
    await server.close();
  }
});

test('a view made with Object.create(body) opens the file its body closes', async () => {
  const solo = join(dir, 'solo.bin');
  writeFileSync(solo, 'solo');
  const body = fileWrapper(solo) as Body & { open(): Promise<unknown> };
  const view = Object.create(body) as typeof body;
  await view.open();
  expect(fdsOn(solo)).toBe(1);
  await body.close!();
  expect(fdsOn(solo)).toBe(0);
  await expect(view.open()).rejects.toThrow('already closed');
});

test('HEAD: headers only, the file is closed', async () => {
  const handle = await open(path, 'r');
  const server = await startServer(lint((environ, startResponse) => {
    startResponse('200 OK', [['Content-Length', String(content.length)]]);
    return environ['wsgi.file_wrapper']!(handle);
  }));
  try {
    const result = await rawRequest(server.port, 'HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    expect(headOf(result.text).headers['content-length']).toBe(String(content.length));
    expect(bodyOf(result.text)).toBe('');
    expect(await waitFor(() => handle.fd === -1)).toBe(true);
  } finally {
    await server.close();
  }
});

test('a middleware that iterates the wrapper gets Uint8Array chunks of blockSize', async () => {
  const sizes: number[] = [];
  const server = await startServer(lint((environ, startResponse) => {
    const inner = serveFile(environ, startResponse) as Body;
    expect(isFileBody(inner)).toBe(true);
    return (async function* () {
      for await (const chunk of inner as AsyncIterable<Uint8Array>) {
        expect(chunk).toBeInstanceOf(Uint8Array);
        sizes.push(chunk.byteLength);
        yield chunk;
      }
      await inner.close?.();
    })();
  }));
  try {
    const response = await fetch(server.url);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    expect(sizes.slice(0, -1).every((size) => size === 16 * 1024)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(content.length);
  } finally {
    await server.close();
  }
});

test('a client that leaves mid-file: the file is closed', async () => {
  const big = join(dir, 'big.bin');
  writeFileSync(big, Buffer.alloc(32 * 1024 * 1024));
  const handle = await open(big, 'r');
  const server = await startServer(lint((environ, startResponse) => {
    startResponse('200 OK', []);
    return environ['wsgi.file_wrapper']!(handle);
  }));
  try {
    const socket = await openSocket(server.port);
    socket.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    await waitFor(() => socket.received().length > 100_000);
    socket.destroy();
    expect(await waitFor(() => handle.fd === -1)).toBe(true);
    expect(server.log).toEqual([]);
  } finally {
    await server.close();
  }
});

test('a missing file before headers: 500, logged', async () => {
  const server = await startServer(lint((environ, startResponse) => {
    startResponse('200 OK', []);
    return environ['wsgi.file_wrapper']!(join(dir, 'missing'));
  }));
  try {
    const response = await fetch(server.url);
    expect(response.status).toBe(500);
    expect(server.log.join('')).toContain('ENOENT');
  } finally {
    await server.close();
  }
});

test('file_wrapper checks its arguments', async () => {
  const server = await startServer(lint((environ, startResponse) => {
    startResponse('200 OK', []);
    return environ['wsgi.file_wrapper']!(path, 0);
  }));
  try {
    expect((await fetch(server.url)).status).toBe(500);
    expect(server.log.join('')).toContain('blockSize must be a positive integer');
  } finally {
    await server.close();
  }
});
