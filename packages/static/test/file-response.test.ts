/**
 * fileResponse() over a real socket: one chosen file with its headers, extra
 * headers (a download's Content-Disposition), a forced Content-Type, ranges, and
 * 404/405 for what it cannot serve.
 */
import { join } from 'node:path';
import type { Application } from '@tsgi/core';
import type { Served } from '@tsgi/server';
import { fileResponse, type FileResponseOptions } from '../src/index.js';
import { BIG, HELLO, makeTree, request, serveLinted, type Tree } from './fixture.js';

let tree: Tree;
let served: Served;
const DOWNLOAD: FileResponseOptions = { headers: [['Content-Disposition', 'attachment; filename="big.bin"']], maxAge: 600 };
beforeAll(async () => {
  tree = makeTree();
  const app: Application = (environ, startResponse) => {
    switch (environ.PATH_INFO) {
      case '/download':
        return fileResponse(join(tree.root, 'big.bin'), environ, startResponse, DOWNLOAD);
      case '/as-text':
        return fileResponse(join(tree.root, 'hello.txt'), environ, startResponse, { contentType: 'text/x-greeting' });
      case '/dir':
        return fileResponse(tree.root, environ, startResponse);
      default:
        return fileResponse(join(tree.root, 'missing.txt'), environ, startResponse);
    }
  };
  served = await serveLinted(app);
});
afterAll(async () => {
  await served.close();
  tree.remove();
});

describe('fileResponse', () => {
  it('serves the file with its validators and the extra headers', async () => {
    const reply = await request(served.url, '/download');
    expect(reply.status).toBe(200);
    expect(reply.body.equals(BIG)).toBe(true);
    expect(reply.headers['content-disposition']).toBe('attachment; filename="big.bin"');
    expect(reply.headers['cache-control']).toBe('public, max-age=600');
    expect(reply.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
  });

  it('keeps the extra headers on 206 and 304', async () => {
    const { headers } = await request(served.url, '/download', {}, 'HEAD');
    const partial = await request(served.url, '/download', { Range: 'bytes=10-19' });
    expect([partial.status, partial.headers['content-disposition']]).toEqual([206, 'attachment; filename="big.bin"']);
    expect(partial.body.equals(BIG.subarray(10, 20))).toBe(true);
    const notModified = await request(served.url, '/download', { 'If-None-Match': headers.etag! });
    expect([notModified.status, notModified.headers['content-disposition']]).toEqual([304, 'attachment; filename="big.bin"']);
  });

  it('takes a Content-Type given in the options', async () => {
    const reply = await request(served.url, '/as-text');
    expect([reply.headers['content-type'], reply.body.equals(HELLO)]).toEqual(['text/x-greeting', true]);
  });

  it('answers 404 for a missing file or a directory, 405 for POST', async () => {
    expect((await request(served.url, '/missing')).status).toBe(404);
    expect((await request(served.url, '/dir')).status).toBe(404);
    const post = await request(served.url, '/download', {}, 'POST');
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
  });

  it('checks its options', () => {
    const environ = {} as never;
    const startResponse = (() => () => undefined) as never;
    return expect(fileResponse('x', environ, startResponse, { blockSize: 0 })).rejects.toThrow(/fileResponse: blockSize/);
  });
});
