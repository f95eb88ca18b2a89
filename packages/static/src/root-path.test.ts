import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFile } from './open-file.js';
import { openInside, RootRealPath } from './root-path.js';

let dir: string;
let link: string;
let one: string;
let two: string;

/** Points `current` at `target` as deploys do: a new link renamed over the old one. */
function swap(target: string): void {
  symlinkSync(target, join(dir, 'next'));
  renameSync(join(dir, 'next'), link);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsgi-root-'));
  link = join(dir, 'current');
  one = join(dir, 'releases', '1');
  two = join(dir, 'releases', '2');
  for (const release of [one, two]) {
    mkdirSync(release, { recursive: true });
    writeFileSync(join(release, 'app.txt'), release);
  }
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside', 'secret.txt'), 'secret');
  symlinkSync(join(dir, 'outside', 'secret.txt'), join(two, 'link-out.txt'));
  symlinkSync(join(one, 'app.txt'), join(two, 'link-old.txt'));
  symlinkSync(one, link);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RootRealPath', () => {
  it('holds the real path for maxAge, then looks again; resolve() looks at once', async () => {
    let now = 0;
    const root = new RootRealPath(link, 1000, () => now);
    expect(await root.current()).toBe(one);
    swap(two);
    now = 999;
    expect(root.current()).toBe(one); // from memory, no await
    now = 1000;
    expect(await root.current()).toBe(two);
    swap(one);
    expect(await root.resolve()).toBe(one);
    expect(root.current()).toBe(one);
  });

  it('concurrent requests share one look-up', async () => {
    const root = new RootRealPath(link);
    const first = root.current();
    expect(first).toBeInstanceOf(Promise);
    expect(root.current()).toBe(first);
    expect(await first).toBe(one);
  });

  it('no root is undefined, and is looked for again each time', async () => {
    const missing = join(dir, 'not-yet');
    const root = new RootRealPath(missing);
    expect(await root.current()).toBeUndefined();
    symlinkSync(two, missing);
    expect(await root.current()).toBe(two);
  });
});

describe('openInside', () => {
  async function body(file: Awaited<ReturnType<typeof openFile>>): Promise<string | number> {
    if (typeof file === 'number') return file;
    const text = (await file.handle.readFile()).toString();
    await file.handle.close();
    return text;
  }

  it('a file opened after a swap is checked again against the new root', async () => {
    const root = new RootRealPath(link);
    expect(await body(await openInside(root, join(link, 'app.txt')))).toBe(one);
    swap(two);
    expect(await body(await openInside(root, join(link, 'app.txt')))).toBe(two);
  });

  it('a file opened just before a swap, checked after another request saw it, is still served', async () => {
    const root = new RootRealPath(link);
    await root.current();
    // The open resolves the old link; before its check runs, the swap lands and
    // another request looks the root up again.
    const openBeforeSwap = async (path: string) => {
      const file = await openFile(path);
      swap(two);
      await root.resolve();
      return file;
    };
    expect(await body(await openInside(root, join(link, 'app.txt'), openBeforeSwap))).toBe(one);
  });

  it('a symlink out of the root is refused, after a swap as before it', async () => {
    const root = new RootRealPath(link);
    swap(two);
    let closed = false;
    const tracked = async (path: string) => {
      const file = await openFile(path);
      if (typeof file === 'number') return file;
      const close = file.handle.close.bind(file.handle);
      file.handle.close = () => ((closed = true), close());
      return file;
    };
    expect(await openInside(root, join(link, 'link-out.txt'), tracked)).toBe(404);
    expect(closed).toBe(true);
    expect(await openInside(root, join(link, 'link-old.txt'))).toBe(404);
    expect(await openInside(root, join(link, 'missing.txt'))).toBe(404);
  });
});
