/**
 * Range requests over a real socket (RFC 9110 section 14): single, suffix,
 * open-ended, past EOF, unsatisfiable, several (multipart/byteranges), overlapping,
 * too many, malformed, If-Range fresh and stale, and curl resuming a download with
 * `-C -`.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Served } from '@tsgi/server';
import { staticFiles } from '../src/index.js';
import { BIG, makeTree, request, serveLinted, type Reply, type Tree } from './fixture.js';

let tree: Tree;
let served: Served;
let etag: string;
let lastModified: string;
beforeAll(async () => {
  tree = makeTree();
  served = await serveLinted(staticFiles({ root: tree.root, blockSize: 16 * 1024 }));
  const reply = await request(served.url, '/big.bin', {}, 'HEAD');
  etag = reply.headers.etag!;
  lastModified = reply.headers['last-modified']!;
});
afterAll(async () => {
  await served.close();
  tree.remove();
});

const SIZE = BIG.byteLength;
const range = (value: string, extra: Record<string, string> = {}): Promise<Reply> =>
  request(served.url, '/big.bin', { Range: value, ...extra });

function expectPartial(reply: Reply, start: number, end: number): void {
  expect(reply.status).toBe(206);
  expect(reply.headers['content-range']).toBe(`bytes ${start}-${end}/${SIZE}`);
  expect(reply.headers['content-length']).toBe(String(end - start + 1));
  expect(reply.body.equals(BIG.subarray(start, end + 1))).toBe(true);
}

function expectWhole(reply: Reply): void {
  expect(reply.status).toBe(200);
  expect(reply.headers['content-range']).toBeUndefined();
  expect(reply.body.equals(BIG)).toBe(true);
}

/** The parts of a multipart/byteranges body: each part's Content-Range and bytes. */
function parts(reply: Reply): Array<{ range: string; type: string; body: Buffer }> {
  const boundary = /boundary=(\S+)/.exec(reply.headers['content-type']!)![1]!;
  const out: Array<{ range: string; type: string; body: Buffer }> = [];
  const text = reply.body.toString('latin1');
  const pieces = text.split(`--${boundary}`);
  expect(pieces.pop()).toBe('--\r\n'); // the closing delimiter ends the body
  for (const piece of pieces.slice(1)) {
    const headEnd = piece.indexOf('\r\n\r\n');
    const head = piece.slice(0, headEnd);
    const body = piece.slice(headEnd + 4, piece.endsWith('\r\n') ? -2 : undefined);
    out.push({
      range: /Content-Range: (.*)/.exec(head)![1]!.trim(),
      type: /Content-Type: (.*)/.exec(head)![1]!.trim(),
      body: Buffer.from(body, 'latin1'),
    });
  }
  return out;
}

describe('one range', () => {
  it('first bytes: bytes=0-99', async () => expectPartial(await range('bytes=0-99'), 0, 99));
  it('a range spanning several blocks', async () => expectPartial(await range('bytes=1000-150000'), 1000, 150000));
  it('suffix: bytes=-500 is the last 500 bytes', async () => expectPartial(await range('bytes=-500'), SIZE - 500, SIZE - 1));
  it('suffix longer than the file is the whole file as a 206', async () =>
    expectPartial(await range(`bytes=-${SIZE * 2}`), 0, SIZE - 1));
  it('open-ended: bytes=200000-', async () => expectPartial(await range('bytes=200000-'), 200000, SIZE - 1));
  it('an end past EOF is clamped', async () => expectPartial(await range(`bytes=${SIZE - 10}-${SIZE * 5}`), SIZE - 10, SIZE - 1));
  it('the last byte alone', async () => expectPartial(await range(`bytes=${SIZE - 1}-${SIZE - 1}`), SIZE - 1, SIZE - 1));
});

describe('unsatisfiable', () => {
  it.each([`bytes=${SIZE}-`, `bytes=${SIZE + 100}-${SIZE + 200}`, 'bytes=-0'])('%s is 416 with Content-Range bytes */size', async (value) => {
    const reply = await range(value);
    expect(reply.status).toBe(416);
    expect(reply.headers['content-range']).toBe(`bytes */${SIZE}`);
    expect(reply.body.toString()).toBe('416 Range Not Satisfiable\n');
  });
});

describe('several ranges', () => {
  it('two ranges are a multipart/byteranges of the right parts and length', async () => {
    const reply = await range('bytes=0-9, 100000-100009');
    expect(reply.status).toBe(206);
    expect(reply.headers['content-type']).toMatch(/^multipart\/byteranges; boundary=\S+$/);
    expect(Number(reply.headers['content-length'])).toBe(reply.body.byteLength);
    const got = parts(reply);
    expect(got.map((p) => p.range)).toEqual([`bytes 0-9/${SIZE}`, `bytes 100000-100009/${SIZE}`]);
    expect(got.every((p) => p.type === 'application/octet-stream')).toBe(true);
    expect(got[0]!.body.equals(BIG.subarray(0, 10))).toBe(true);
    expect(got[1]!.body.equals(BIG.subarray(100000, 100010))).toBe(true);
  });

  it('overlapping and adjacent ranges are merged: no byte is sent twice', async () => {
    expectPartial(await range('bytes=0-99, 50-149, 150-199'), 0, 199);
  });

  it('out-of-order ranges come back sorted, unsatisfiable members dropped', async () => {
    const reply = await range(`bytes=5000-5009, 10-19, ${SIZE + 5}-`);
    expect(parts(reply).map((p) => p.range)).toEqual([`bytes 10-19/${SIZE}`, `bytes 5000-5009/${SIZE}`]);
  });

  it('more ranges than maxRanges: the whole file instead (no amplification)', async () => {
    const many = Array.from({ length: 51 }, (_, i) => `${i * 100}-${i * 100 + 1}`).join(',');
    expectWhole(await range(`bytes=${many}`));
    const overlapping = Array.from({ length: 50 }, () => '0-').join(',');
    const reply = await range(`bytes=${overlapping}`);
    expectPartial(reply, 0, SIZE - 1); // 50 whole-file ranges merge into one
  });
});

describe('ignored Range headers', () => {
  it.each(['bytes=abc', 'bytes=10-5', 'items=0-9', 'bytes=', 'bytes=--5', '0-9'])('%s: the whole file, 200', async (value) => {
    expectWhole(await range(value));
  });

  it('HEAD ignores Range', async () => {
    const reply = await request(served.url, '/big.bin', { Range: 'bytes=0-9' }, 'HEAD');
    expect([reply.status, reply.headers['content-length'], reply.body.byteLength]).toEqual([200, String(SIZE), 0]);
  });
});

describe('If-Range', () => {
  it('the current ETag: the range', async () => expectPartial(await range('bytes=0-9', { 'If-Range': etag }), 0, 9));
  it('the current Last-Modified: the range', async () =>
    expectPartial(await range('bytes=0-9', { 'If-Range': lastModified }), 0, 9));
  it('a stale ETag: the whole file', async () => expectWhole(await range('bytes=0-9', { 'If-Range': '"0-0"' })));
  it('a weak ETag never matches: the whole file', async () => expectWhole(await range('bytes=0-9', { 'If-Range': `W/${etag}` })));
  it('another date: the whole file', async () =>
    expectWhole(await range('bytes=0-9', { 'If-Range': new Date(Date.parse(lastModified) - 1000).toUTCString() })));
});

describe('curl', () => {
  it('-C - resumes a cut download and ends with the whole file', async () => {
    const curl = await new Promise<string | undefined>((resolve) =>
      execFile('sh', ['-c', 'command -v curl'], (error, stdout) => resolve(error ? undefined : stdout.trim())),
    );
    if (!curl) throw new Error('curl is needed (.ci/run installs it)');
    const out = join(tree.dir, 'download.bin');
    writeFileSync(out, BIG.subarray(0, 70000)); // what a cut download left
    const stderr = await new Promise<string>((resolve, reject) =>
      execFile(curl, ['-sS', '-v', '--max-time', '10', '-C', '-', '-o', out, `${served.url}/big.bin`], (error, _stdout, err) =>
        error ? reject(error) : resolve(err),
      ),
    );
    expect(stderr).toMatch(/Range: bytes=70000-/);
    expect(stderr).toMatch(/HTTP\/1\.1 206/);
    expect(readFileSync(out).equals(BIG)).toBe(true);
  });
});
