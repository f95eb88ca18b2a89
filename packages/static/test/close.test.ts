/**
 * File handles are closed however a response ends: a client that goes away in the
 * middle of a whole-file download (through the server's wsgi.file_wrapper, and
 * through the chunked reader when no wrapper is offered) or of a range; and the
 * wrapper is used for whole large files only. Open descriptors are read from
 * /proc/self/fd, so a leaked handle shows as a file still open.
 */
import { readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import type { Application, Environ, FileWrapper } from '@tsgi/core';
import type { Served } from '@tsgi/server';
import { staticFiles } from '../src/index.js';
import { makeTree, request, serveLinted, type Tree } from './fixture.js';

let tree: Tree;
let hugePath: string;
const HUGE = 32 * 1024 * 1024;
beforeAll(() => {
  tree = makeTree();
  hugePath = join(tree.root, 'huge.bin');
  writeFileSync(hugePath, Buffer.alloc(HUGE, 7));
});
afterAll(() => tree.remove());

/** How many descriptors of this process point at `path`. */
function openCount(path: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++;
    } catch {
      // closed between readdir and readlink
    }
  }
  return count;
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  throw new Error(`${what} did not happen within 3 s`);
}

/** Starts a download, waits for the first bytes, checks the file is open, then goes away. */
async function abandon(base: string, headers: Record<string, string> = {}): Promise<void> {
  const url = new URL(base);
  await new Promise<void>((resolve, reject) => {
    const req = http.get({ host: url.hostname, port: url.port, path: '/huge.bin', headers, agent: false }, (res) => {
      expect(res.statusCode).toBe(headers.Range ? 206 : 200);
      res.once('data', () => {
        expect(openCount(hugePath)).toBe(1);
        req.destroy();
        resolve();
      });
    });
    req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
    req.setTimeout(5000, () => req.destroy(new Error('no first bytes within 5 s')));
  });
  await eventually(() => openCount(hugePath) === 0, 'closing huge.bin after the client left');
}

/** Counts wsgi.file_wrapper calls, or removes the wrapper (as a fetch runtime has none). */
function wrapperSpy(app: Application, remove: boolean): { app: Application; calls: number } {
  const spy = {
    calls: 0,
    app: (environ: Environ, startResponse: Parameters<Application>[1]) => {
      const wrapper = environ['wsgi.file_wrapper'];
      if (remove || !wrapper) delete environ['wsgi.file_wrapper'];
      else {
        const counted: FileWrapper = (file, blockSize) => {
          spy.calls++;
          return wrapper(file, blockSize);
        };
        environ['wsgi.file_wrapper'] = counted;
      }
      return app(environ, startResponse);
    },
  };
  return spy;
}

describe.each([
  ['with the server file_wrapper', false],
  ['without a file_wrapper (chunked reader)', true],
])('%s', (_name, remove) => {
  let served: Served;
  let spy: ReturnType<typeof wrapperSpy>;
  beforeAll(async () => {
    spy = wrapperSpy(staticFiles({ root: tree.root }), remove);
    served = await serveLinted(spy.app);
  });
  afterAll(() => served.close());

  it('a client leaving a whole-file download closes the file', async () => {
    await abandon(served.url);
  });

  it('a client leaving a range download closes the file', async () => {
    await abandon(served.url, { Range: `bytes=1000-${HUGE - 1000}` });
  });

  it('a finished download closes the file and sends every byte', async () => {
    const reply = await request(served.url, '/huge.bin');
    expect(reply.body.byteLength).toBe(HUGE);
    await eventually(() => openCount(hugePath) === 0, 'closing huge.bin after the download');
  });

  it('the wrapper is used for whole large files only', async () => {
    const before = spy.calls;
    await request(served.url, '/hello.txt'); // small: read at once
    await request(served.url, '/big.bin', { Range: 'bytes=0-99' }); // a range: own reader
    expect(spy.calls).toBe(before);
    await request(served.url, '/big.bin');
    expect(spy.calls).toBe(remove ? 0 : before + 1);
  });
});
