/**
 * staticFiles on a fetch runtime's terms, through @tsgi/fetch's toFetch (which offers
 * no wsgi.file_wrapper, as Bun and Deno handlers do not): whole files and ranges are
 * read by the chunked reader and arrive whole, and a reader that cancels the
 * response body gets the file closed.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { toFetch, type FetchHandler } from '@tsgi/fetch';
import { lint } from '@tsgi/lint';
import { staticFiles } from '../src/index.js';
import { BIG, makeTree, type Tree } from './fixture.js';

let tree: Tree;
let handler: FetchHandler;
beforeAll(() => {
  tree = makeTree();
  handler = toFetch(lint(staticFiles({ root: tree.root, blockSize: 8192 })));
});
afterAll(() => tree.remove());

function openCount(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;
}

test('a whole file larger than a block arrives byte for byte', async () => {
  const res = await handler(new Request('http://local/big.bin'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-length')).toBe(String(BIG.byteLength));
  expect(Buffer.from(await res.arrayBuffer()).equals(BIG)).toBe(true);
});

test('a range arrives as a 206 with its bytes', async () => {
  const res = await handler(new Request('http://local/big.bin', { headers: { Range: 'bytes=-20000' } }));
  expect(res.status).toBe(206);
  expect(Buffer.from(await res.arrayBuffer()).equals(BIG.subarray(BIG.byteLength - 20000))).toBe(true);
});

test('cancelling the response body closes the file', async () => {
  const path = join(tree.root, 'big.bin');
  const res = await handler(new Request('http://local/big.bin'));
  const reader = res.body!.getReader();
  expect((await reader.read()).done).toBe(false);
  expect(openCount(path)).toBe(1);
  await reader.cancel();
  for (let i = 0; i < 100 && openCount(path) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(openCount(path)).toBe(0);
});
