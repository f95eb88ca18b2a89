/**
 * Where `wsgi.file_wrapper` starts and stops: a FileHandle from its current position
 * (PEP 3333), and `range.offset`/`range.length` for a slice of the file, both by the
 * gateway's fast path and for a middleware that iterates the body.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Application, Body, FileRange } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { fileWrapper } from '../src/file-wrapper.js';
import { bodyOf, headOf, rawRequest, startServer, waitFor, type TestServer } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsgi-range-'));
const path = join(dir, 'data.bin');
const content = Buffer.alloc(200_000);
for (let i = 0; i < content.length; i++) content[i] = (i * 13) % 251;
writeFileSync(path, content);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GET = (target = '/'): string => `GET ${target} HTTP/1.1\r\nHost: h\r\n\r\n`;
const GET_CLOSE = (target = '/'): string => `GET ${target} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`;

/** The body bytes of a raw response, de-chunked when it was chunked. */
function bodyBytes(raw: Buffer): Buffer {
  const at = raw.indexOf('\r\n\r\n');
  const { headers } = headOf(raw.toString('latin1'));
  const rest = raw.subarray(at + 4);
  if (headers['transfer-encoding'] !== 'chunked') return rest;
  const parts: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = rest.indexOf('\r\n', i);
    const size = parseInt(rest.subarray(i, eol).toString('latin1'), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(rest.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

/** An app serving `path` with the range in the query (`?offset=..&length=..`), through a middleware that iterates when `iterate=1`. */
const rangeApp: Application = (environ, startResponse) => {
  const query = new URLSearchParams(environ.QUERY_STRING);
  const range: FileRange = {};
  if (query.has('offset')) range.offset = Number(query.get('offset'));
  if (query.has('length')) range.length = Number(query.get('length'));
  startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
  const body = environ['wsgi.file_wrapper']!(path, 4096, range);
  if (query.get('iterate') !== '1') return body;
  // What gzip or a logger does: walk it as an ordinary async iterable.
  return Object.assign(
    (async function* () {
      yield* body as AsyncIterable<Uint8Array>;
    })(),
    { close: () => body.close?.() },
  );
};

describe('range: { offset, length }', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(lint(rangeApp));
  });
  afterAll(() => server.close());

  test.each([
    ['offset and length', 1000, 5000],
    ['offset only: to the end', 150_000, undefined],
    ['length only: from the start', undefined, 777],
    ['a length past the end stops at the end', 199_000, 5000],
    ['an offset past the end sends nothing', 250_000, 10],
    ['length 0 sends nothing', 10, 0],
  ])('%s (fast path and iterated)', async (_name, offset, length) => {
    const start = Math.min(offset ?? 0, content.length);
    const expected = content.subarray(start, length === undefined ? undefined : Math.min(content.length, start + length));
    const query = new URLSearchParams();
    if (offset !== undefined) query.set('offset', String(offset));
    if (length !== undefined) query.set('length', String(length));
    // Two requests on one connection: the first must frame its body exactly.
    const fast = await rawRequest(server.port, GET(`/?${query}`) + GET_CLOSE('/?length=3'));
    const first = fast.bytes.subarray(0, fast.bytes.lastIndexOf('HTTP/1.1 200 OK'));
    expect(headOf(first.toString('latin1')).headers['content-length']).toBe(String(expected.length));
    expect(bodyBytes(first).equals(expected)).toBe(true);
    expect(bodyOf(fast.text.slice(first.length))).toBe(content.subarray(0, 3).toString('latin1'));

    query.set('iterate', '1');
    const iterated = await rawRequest(server.port, GET_CLOSE(`/?${query}`));
    expect(bodyBytes(iterated.bytes).equals(expected)).toBe(true);
  });
});

describe('a FileHandle starts at its current position (PEP 3333)', () => {
  async function serveHandle(read: number, range: FileRange | undefined, iterate: boolean, headers: Array<[string, string]> = []): Promise<{ bytes: Buffer; closed: boolean; contentLength?: string; position: Buffer }> {
    const handle = await open(path, 'r');
    // Move the handle's position by reading, as an app that parsed a file header would.
    if (read > 0) await handle.read(Buffer.alloc(read), 0, read, null);
    let after = Buffer.alloc(0);
    const server = await startServer(lint((environ, startResponse) => {
      startResponse('200 OK', headers);
      const body = environ['wsgi.file_wrapper']!(handle, 4096, range);
      if (!iterate) return body;
      return Object.assign(
        (async function* () {
          yield* body as AsyncIterable<Uint8Array>;
          // Where the handle stands now, before the body closes it.
          const probe = Buffer.alloc(4);
          const { bytesRead } = await handle.read(probe, 0, 4, null);
          after = probe.subarray(0, bytesRead);
        })(),
        { close: () => body.close?.() },
      );
    }));
    try {
      const result = await rawRequest(server.port, GET_CLOSE());
      expect(await waitFor(() => handle.fd === -1)).toBe(true);
      return { bytes: bodyBytes(result.bytes), closed: result.closed, contentLength: headOf(result.text).headers['content-length'], position: after };
    } finally {
      await server.close();
    }
  }

  test.each([false, true])('after the app read 1000 bytes, the rest is sent (iterated: %s)', async (iterate) => {
    const { bytes, contentLength } = await serveHandle(1000, undefined, iterate);
    expect(bytes.equals(content.subarray(1000))).toBe(true);
    // Node cannot tell the position, so the length is unknown: chunked, not a wrong number.
    expect(contentLength).toBeUndefined();
  });

  test("the app's Content-Length is honoured from the current position", async () => {
    const { bytes, contentLength } = await serveHandle(1000, undefined, false, [['Content-Length', '2000']]);
    expect(contentLength).toBe('2000');
    expect(bytes.equals(content.subarray(1000, 3000))).toBe(true);
  });

  test.each([false, true])('length from the current position (iterated: %s)', async (iterate) => {
    const { bytes } = await serveHandle(500, { length: 300 }, iterate);
    expect(bytes.equals(content.subarray(500, 800))).toBe(true);
  });

  test('an offset reads from that byte of the file, with a Content-Length, and leaves the position alone', async () => {
    const fast = await serveHandle(500, { offset: 10_000, length: 20 }, false);
    expect(fast.contentLength).toBe('20');
    expect(fast.bytes.equals(content.subarray(10_000, 10_020))).toBe(true);
    const iterated = await serveHandle(500, { offset: 10_000, length: 20 }, true);
    expect(iterated.bytes.equals(content.subarray(10_000, 10_020))).toBe(true);
    expect(iterated.position.equals(content.subarray(500, 504))).toBe(true);
  });
});

describe('range checks', () => {
  test.each([
    [{ offset: -1 }, 'range.offset must be an integer >= 0 (bytes), got -1'],
    [{ offset: 1.5 }, 'range.offset must be an integer >= 0 (bytes), got 1.5'],
    [{ length: Number.NaN }, 'range.length must be an integer >= 0 (bytes), got NaN'],
    [{ length: '10' }, 'range.length must be an integer >= 0 (bytes), got 10'],
    [null, 'range must be an object { offset?, length? }, got null'],
    [5, 'range must be an object { offset?, length? }, got number'],
  ])('%j is a TypeError naming it', (range, message) => {
    expect(() => fileWrapper(path, 4096, range as unknown as FileRange)).toThrow(new TypeError(`wsgi.file_wrapper: ${message}`));
  });

  test('a range body is still a file body: close() closes the file it opened', async () => {
    const body: Body = fileWrapper(path, 4096, { offset: 1, length: 2 });
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(content.subarray(1, 3))).toBe(true);
    await body.close?.();
  });
});
