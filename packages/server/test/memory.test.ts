import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

const TOTAL = 256 * 1024 * 1024;
let child: ChildProcess;
let url: URL;

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'stream-server.ts')], {
    cwd: join(__dirname, '..', '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, STREAM_BYTES: String(TOTAL) },
  });
  url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(new URL(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`stream-server exited with ${code}`)));
  });
}, 15_000);

afterAll(() => {
  child.kill();
});

/** Reads the whole response on a raw socket, pausing 2 ms after every 512 KB. */
function slowRead(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), '127.0.0.1');
    let received = 0;
    let sincePause = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      sincePause += chunk.byteLength;
      if (sincePause >= 512 * 1024) {
        sincePause = 0;
        socket.pause();
        setTimeout(() => socket.resume(), 2);
      }
    });
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.write(`GET /stream HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`);
  });
}

test('streaming 256 MB to a slow reader keeps server RSS growth under 50 MB', async () => {
  await fetch(new URL('/baseline', url));
  const received = await slowRead();
  expect(received).toBeGreaterThan(TOTAL);
  const { baseline, peak } = (await (await fetch(new URL('/rss', url))).json()) as { baseline: number; peak: number };
  expect(baseline).toBeGreaterThan(0);
  expect(peak - baseline).toBeLessThan(50 * 1024 * 1024);
}, 20_000);
