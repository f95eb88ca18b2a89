/**
 * staticFiles() over real sockets (serve() on 127.0.0.1, under lint()): headers,
 * HEAD, 405, index files and the directory redirect, dotfiles, 404s that cascade
 * passes on, mounting under urlMap, and the content-hash ETag of immutable assets.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Application } from '@tsgi/core';
import { cascade, urlMap } from '@tsgi/router';
import type { Served } from '@tsgi/server';
import { staticFiles } from '../src/index.js';
import { HELLO, makeTree, request, serveLinted, type Tree } from './fixture.js';

let tree: Tree;
let served: Served;
beforeAll(async () => {
  tree = makeTree();
  served = await serveLinted(staticFiles({ root: tree.root, maxAge: 60, immutable: /\.[0-9a-f]{6,}\./ }));
});
afterAll(async () => {
  await served.close();
  tree.remove();
});

describe('a file', () => {
  it('has its type, length, validators, cache and range headers', async () => {
    const reply = await request(served.url, '/hello.txt');
    const stat = statSync(join(tree.root, 'hello.txt'));
    expect(reply.status).toBe(200);
    expect(reply.body.equals(HELLO)).toBe(true);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.headers['content-length']).toBe(String(HELLO.byteLength));
    expect(reply.headers['last-modified']).toBe(stat.mtime.toUTCString());
    expect(reply.headers.etag).toBe(`"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`);
    expect(reply.headers['cache-control']).toBe('public, max-age=60');
    expect(reply.headers['accept-ranges']).toBe('bytes');
  });

  it.each([
    ['/style.css', 'text/css; charset=utf-8'],
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/big.bin', 'application/octet-stream'],
    ['/index.html', 'text/html; charset=utf-8'],
  ])('%s is served as %s', async (path, type) => {
    const reply = await request(served.url, path);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(type);
  });

  it('HEAD sends the same headers as GET and no body', async () => {
    const get = await request(served.url, '/big.bin');
    const head = await request(served.url, '/big.bin', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.byteLength).toBe(0);
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control', 'accept-ranges']) {
      expect([name, head.headers[name]]).toEqual([name, get.headers[name]]);
    }
  });

  it('an empty file is 200 with Content-Length 0', async () => {
    const reply = await request(served.url, '/empty.txt');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe('0');
    expect(reply.body.byteLength).toBe(0);
  });

  it('a UTF-8 file name, percent-encoded in the URL, is found', async () => {
    const reply = await request(served.url, '/' + encodeURIComponent('ünï cödé.txt'));
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('utf-8 name\n');
  });

  it('other methods get 405 with Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const reply = await request(served.url, '/hello.txt', {}, method);
      expect([method, reply.status, reply.headers.allow]).toEqual([method, 405, 'GET, HEAD']);
    }
  });

  it('an immutable (hashed) name gets a year of caching and a content-hash ETag', async () => {
    const reply = await request(served.url, '/assets/app.3f9a1c.js');
    expect(reply.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const digest = (await import('node:crypto')).createHash('sha256').update(reply.body).digest('base64url');
    expect(reply.headers.etag).toBe(`"sha256-${digest}"`);
  });
});

it('an immutable pattern with the g flag matches on every request, not every other one', async () => {
  const global = await serveLinted(staticFiles({ root: tree.root, immutable: /\.[0-9a-f]{6,}\./g }));
  try {
    for (let i = 0; i < 3; i++) {
      const reply = await request(global.url, '/assets/app.3f9a1c.js');
      expect([i, reply.headers['cache-control']]).toEqual([i, 'public, max-age=31536000, immutable']);
    }
  } finally {
    await global.close();
  }
});

describe('directories', () => {
  it('a directory URL serves its index file', async () => {
    const root = await request(served.url, '/');
    expect(root.status).toBe(200);
    expect(root.body.toString()).toContain('<title>home</title>');
    const docs = await request(served.url, '/docs/');
    expect(docs.body.toString()).toContain('<title>docs</title>');
    expect(docs.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('a directory without its slash redirects to it, keeping the query', async () => {
    const reply = await request(served.url, '/docs?lang=en');
    expect(reply.status).toBe(301);
    expect(reply.headers.location).toBe('/docs/?lang=en');
  });

  it('a redirect never becomes protocol-relative', async () => {
    const reply = await request(served.url, '//docs');
    expect(reply.status).toBe(301);
    expect(reply.headers.location).toBe('/docs/');
  });

  it('a directory without an index file is 404, never a listing', async () => {
    const reply = await request(served.url, '/nested/noindex/');
    expect(reply.status).toBe(404);
    expect(reply.body.toString()).toBe('404 Not Found\n');
  });

  it('a file asked for as a directory is 404', async () => {
    expect((await request(served.url, '/hello.txt/')).status).toBe(404);
  });
});

describe('refusals', () => {
  it('a missing file is a plain 404 with no fs error text', async () => {
    const reply = await request(served.url, '/nope/missing.txt');
    expect(reply.status).toBe(404);
    expect(reply.body.toString()).toBe('404 Not Found\n');
  });

  it('dotfiles are 404 by default, 403 with deny, served with allow', async () => {
    expect((await request(served.url, '/.env')).status).toBe(404);
    expect((await request(served.url, '/.git/config')).status).toBe(404);
    const deny = await serveLinted(staticFiles({ root: tree.root, dotfiles: 'deny' }));
    const allow = await serveLinted(staticFiles({ root: tree.root, dotfiles: 'allow' }));
    try {
      expect((await request(deny.url, '/.env')).status).toBe(403);
      const reply = await request(allow.url, '/.git/config');
      expect([reply.status, reply.body.toString()]).toEqual([200, '[core]\n']);
    } finally {
      await Promise.all([deny.close(), allow.close()]);
    }
  });

  it('a FIFO in the root is a 404 at once, not a request waiting for a writer', async () => {
    execFileSync('mkfifo', [join(tree.root, 'pipe.txt')]);
    const started = Date.now();
    const reply = await request(served.url, '/pipe.txt');
    expect(reply.status).toBe(404);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('bad options throw a TypeError naming the option', () => {
    expect(() => staticFiles({ root: '' })).toThrow(/root/);
    expect(() => staticFiles({ root: '.', dotfiles: 'show' as never })).toThrow(/dotfiles.*show/);
    expect(() => staticFiles({ root: '.', maxAge: -1 })).toThrow(/maxAge.*-1/);
    expect(() => staticFiles({ root: '.', maxRanges: 0 })).toThrow(/maxRanges/);
    expect(() => staticFiles({ root: '.', precompressed: ['zip'] as never })).toThrow(/precompressed/);
    expect(() => staticFiles({ root: '.', index: ['a/b.html'] })).toThrow(/index/);
  });
});

describe('in a stack', () => {
  const api: Application = (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from(`api ${environ.REQUEST_METHOD} ${environ.PATH_INFO}`)];
  };

  it('cascade passes a 404 and a 405 on to the next app', async () => {
    const stack = await serveLinted(cascade([staticFiles({ root: tree.root }), api]));
    try {
      expect((await request(stack.url, '/hello.txt')).body.equals(HELLO)).toBe(true);
      expect((await request(stack.url, '/users/7')).body.toString()).toBe('api GET /users/7');
      expect((await request(stack.url, '/hello.txt', {}, 'POST')).body.toString()).toBe('api POST /hello.txt');
    } finally {
      await stack.close();
    }
  });

  it('under urlMap, PATH_INFO below the prefix names the file and redirects keep the prefix', async () => {
    const stack = await serveLinted(urlMap({ '/static': staticFiles({ root: tree.root }), '/': api }));
    try {
      expect((await request(stack.url, '/static/hello.txt')).body.equals(HELLO)).toBe(true);
      const redirect = await request(stack.url, '/static/docs');
      expect([redirect.status, redirect.headers.location]).toEqual([301, '/static/docs/']);
      const mountPoint = await request(stack.url, '/static');
      expect([mountPoint.status, mountPoint.headers.location]).toEqual([301, '/static/']);
      expect((await request(stack.url, '/static/')).body.toString()).toContain('<title>home</title>');
      expect((await request(stack.url, '/hello.txt')).body.toString()).toBe('api GET /hello.txt');
    } finally {
      await stack.close();
    }
  });
});
