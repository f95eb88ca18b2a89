/**
 * The usual deploy, over a real socket: `root` is `current`, a symlink to
 * `releases/N`, and a new release goes live by renaming a new symlink over `current`
 * (atomic). The very next request must be served from the new release, with no
 * restart, while a symlink inside the new release that leads out of it is still
 * refused, and the traversal rules hold as before.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Served } from '@tsgi/server';
import { staticFiles } from '../src/index.js';
import { request, serveLinted } from './fixture.js';

let dir: string;
let served: Served;

function release(n: number, files: Record<string, string>): string {
  const path = join(dir, 'releases', String(n));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(path, name, '..'), { recursive: true });
    writeFileSync(join(path, name), content);
  }
  return path;
}

/** Points `current` at `target` the way deploy tools do: a new link renamed over the old one. */
function swap(target: string): void {
  const next = join(dir, `current.${Date.now()}.tmp`);
  symlinkSync(target, next);
  renameSync(next, join(dir, 'current'));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsgi-swap-'));
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside', 'secret.txt'), 'outside the root\n');
  const one = release(1, { 'app.txt': 'release one\n', 'only-one.txt': 'old\n', 'docs/index.html': 'docs one\n' });
  symlinkSync(one, join(dir, 'current'));
  served = await serveLinted(staticFiles({ root: join(dir, 'current') }));
});
afterAll(async () => {
  await served.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<[number, string]> {
  const reply = await request(served.url, path);
  return [reply.status, reply.body.toString()];
}

test('the next request after a swap is served from the new release, and again after a swap back', async () => {
  expect(await get('/app.txt')).toEqual([200, 'release one\n']);
  const two = release(2, { 'app.txt': 'release two\n', 'only-two.txt': 'new\n', 'docs/index.html': 'docs two\n' });
  symlinkSync(join(dir, 'outside', 'secret.txt'), join(two, 'link-out.txt'));
  symlinkSync(join(dir, 'releases', '1', 'app.txt'), join(two, 'link-old.txt'));
  swap(two);

  expect(await get('/app.txt')).toEqual([200, 'release two\n']);
  expect(await get('/only-two.txt')).toEqual([200, 'new\n']);
  expect(await get('/docs/')).toEqual([200, 'docs two\n']);
  expect((await get('/only-one.txt'))[0]).toBe(404);
  // Confinement is to the new release: out of it is out of the root.
  expect(await get('/link-out.txt')).toEqual([404, '404 Not Found\n']);
  expect((await get('/link-old.txt'))[0]).toBe(404);
  expect((await get('/../outside/secret.txt'))[0]).toBe(404);

  swap(join(dir, 'releases', '1')); // a rollback is a swap too
  expect(await get('/app.txt')).toEqual([200, 'release one\n']);
  expect((await get('/only-two.txt'))[0]).toBe(404);
});

test('requests in flight across swaps each get one release or the other, never a 404', async () => {
  const one = join(dir, 'releases', '1');
  const three = release(3, { 'app.txt': 'release three\n' });
  const answers = new Map<string, number>();
  let completed = 0;
  let swaps = 0;
  // 8 clients, a swap after every 20 answers: up to 8 requests are in flight at each
  // swap, and they are answered before the next one, so each sees at most one swap.
  async function client(): Promise<void> {
    for (let i = 0; i < 40; i++) {
      const [status, body] = await get('/app.txt');
      const key = `${status} ${body.trim()}`;
      answers.set(key, (answers.get(key) ?? 0) + 1);
      if (++completed % 20 === 0) swap(swaps++ % 2 === 0 ? three : one);
    }
  }
  await Promise.all(Array.from({ length: 8 }, client));
  expect(swaps).toBe(16);
  expect([...answers.keys()].sort()).toEqual(['200 release one', '200 release three']);
});
