/**
 * The traversal table: requests that try to leave the root (dot segments, encoded,
 * double-encoded, backslashes, NUL, absolute paths, symlinks) sent over a raw socket
 * byte for byte, and what each must get. None may return a byte of the file outside
 * the root; a symlink out of the root is served only with `followSymlinks`.
 */
import net from 'node:net';
import type { Served } from '@tsgi/server';
import { staticFiles } from '../src/index.js';
import { makeTree, request, serveLinted, type Tree } from './fixture.js';

let tree: Tree;
let served: Served;
beforeAll(async () => {
  tree = makeTree();
  served = await serveLinted(staticFiles({ root: tree.root }));
});
afterAll(async () => {
  await served.close();
  tree.remove();
});

/** The raw response to a request line with `target` exactly as written (node's client would refuse some). */
function rawGet(base: string, target: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${target}`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
  });
}

const SECRET = 'outside the root';

describe.each([
  // [what, request target, expected status]
  ['plain dot segments', '/../outside/secret.txt', 404],
  ['dot segments inside', '/docs/../../outside/secret.txt', 404],
  ['encoded dots', '/%2e%2e/outside/secret.txt', 404],
  ['encoded dots, upper case', '/%2E%2E/outside/secret.txt', 404],
  ['encoded slash', '/..%2foutside%2fsecret.txt', 404],
  ['encoded slash and dots', '/docs%2f%2e%2e%2f%2e%2e%2foutside%2fsecret.txt', 404],
  ['backslash', '/..\\outside\\secret.txt', 404],
  ['encoded backslash', '/..%5coutside%5csecret.txt', 404],
  ['NUL', '/hello.txt%00.png', 404],
  ['absolute path', '//etc/passwd', 404],
  ['absolute, encoded', '/%2fetc%2fpasswd', 404],
  ['overlong UTF-8 dot', '/%c0%ae%c0%ae/outside/secret.txt', 404],
  ['symlink to a file outside', '/link-out.txt', 404],
  ['symlink to a directory outside', '/dir-out/secret.txt', 404],
])('%s: %s', (_what, target, status) => {
  it(`is ${status} and never shows the file outside the root`, async () => {
    const raw = await rawGet(served.url, target);
    expect(raw).not.toContain(SECRET);
    expect(raw.slice(0, 12)).toBe(`HTTP/1.1 ${status}`);
  });
});

describe('what stays possible', () => {
  it('double encoding is decoded once: %252e%252e is the literal file "%2e%2e"', async () => {
    const reply = await request(served.url, '/%252e%252e');
    expect([reply.status, reply.body.toString()]).toEqual([200, 'a file literally named %2e%2e\n']);
    expect((await request(served.url, '/%252e%252e/outside/secret.txt')).status).toBe(404);
  });

  it('a symlink that stays inside the root is followed', async () => {
    const reply = await request(served.url, '/link-in.txt');
    expect([reply.status, reply.body.toString()]).toEqual([200, 'hello world\n']);
  });

  it('followSymlinks: true serves a symlink out of the root', async () => {
    const open = await serveLinted(staticFiles({ root: tree.root, followSymlinks: true }));
    try {
      const reply = await request(open.url, '/link-out.txt');
      expect([reply.status, reply.body.toString()]).toEqual([200, `${SECRET}\n`]);
    } finally {
      await open.close();
    }
  });
});
