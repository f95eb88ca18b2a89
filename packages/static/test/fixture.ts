/**
 * Test fixtures: a directory tree made fresh in the OS temp dir (files, precompressed
 * siblings, dotfiles, symlinks in and out of the root), a served app on 127.0.0.1
 * under lint(), and a raw HTTP request that sends the path exactly as written.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';

export const HELLO = Buffer.from('hello world\n');
export const APP_JS = Buffer.from('export const answer = 42; // '.repeat(200) + '\n');
/** 200 KB of a repeating pattern: larger than a block, so it streams. */
export const BIG = Buffer.from(Array.from({ length: 200 * 1024 }, (_, i) => (i * 7 + (i >> 10)) & 0xff));

export interface Tree {
  dir: string;
  root: string;
  remove(): void;
}

/** Writes the tree the tests serve; `root` is `<dir>/public`, with `<dir>/outside` beside it. */
export function makeTree(): Tree {
  const dir = mkdtempSync(join(tmpdir(), 'tsgi-static-'));
  const root = join(dir, 'public');
  const files: Record<string, Buffer | string> = {
    'index.html': '<!doctype html><title>home</title>\n',
    'hello.txt': HELLO,
    'big.bin': BIG,
    'empty.txt': '',
    'app.js': APP_JS,
    'app.js.br': zlib.brotliCompressSync(APP_JS),
    'app.js.gz': zlib.gzipSync(APP_JS),
    'style.css': 'body { color: red }\n'.repeat(100),
    'docs/index.html': '<!doctype html><title>docs</title>\n',
    'docs/guide.txt': 'the guide\n',
    'nested/noindex/file.txt': 'deep\n',
    'assets/app.3f9a1c.js': 'console.log("hashed");\n',
    '.env': 'SECRET=1\n',
    '.git/config': '[core]\n',
    'ünï cödé.txt': 'utf-8 name\n',
    '%2e%2e': 'a file literally named %2e%2e\n',
  };
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside', 'secret.txt'), 'outside the root\n');
  symlinkSync(join(dir, 'outside', 'secret.txt'), join(root, 'link-out.txt'));
  symlinkSync(join(dir, 'outside'), join(root, 'dir-out'));
  symlinkSync(join(root, 'hello.txt'), join(root, 'link-in.txt'));
  return { dir, root, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Serves `app` under lint() on an ephemeral port of 127.0.0.1. */
export function serveLinted(app: Application): Promise<Served> {
  return serve(lint(app), { host: '127.0.0.1', port: 0, errors: { write: () => true } });
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request with `path` sent byte for byte as given (no URL normalisation). */
export function request(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to ${method} ${path} within 5 s`)));
    req.end();
  });
}
