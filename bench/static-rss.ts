/**
 * RSS of a file server while 200 slow clients download a 100 MB file: the server
 * must hold a block or two per client, never the file. The file is written at run
 * time beside the static scenarios' files (bench/lib/static-workload.ts), the server
 * runs in its own process (bench/targets/static.ts, any of its rows), and its RSS is
 * read from /proc/<pid>/status while the clients read about 256 KB/s each.
 *
 * Run: npx tsx bench/static-rss.ts [tsgi|fastify|serve-static|raw-node] [seconds]
 * Exits non-zero when RSS grows by more than 150 MB (one copy of the file per client
 * would be 20 GB) or a client makes no progress.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, ftruncateSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { staticRoot } from './lib/static-workload.js';

const peer = process.argv[2] ?? 'tsgi';
const seconds = Number(process.argv[3] ?? 20);
const CLIENTS = 200;
const FILE_SIZE = 100 * 1024 * 1024;
const RATE = 256 * 1024; // bytes per second per client
const LIMIT = 150 * 1024 * 1024;

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const root = staticRoot();
  const path = join(root, 'file-100m.bin');
  if (!statSync(path, { throwIfNoEntry: false }) || statSync(path).size !== FILE_SIZE) {
    const fd = openSync(path, 'w');
    ftruncateSync(fd, FILE_SIZE); // a sparse file: 100 MB to serve, nothing to write
    closeSync(fd);
  }
  const here = import.meta.dirname;
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'lib/child.ts'), join(here, 'targets/static.ts'), peer], {
    cwd: join(here, '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)\n/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${peer} exited with ${code}`)));
  });
  const pid = child.pid!;
  const baseline = rssOf(pid);
  const received = new Array<number>(CLIENTS).fill(0);
  const sockets: net.Socket[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    let windowStart = Date.now();
    let windowBytes = 0;
    socket.on('data', (chunk: Buffer) => {
      received[i]! += chunk.byteLength;
      windowBytes += chunk.byteLength;
      if (windowBytes >= RATE / 10) {
        // Read no more this tenth of a second: the server's socket fills and must wait.
        socket.pause();
        setTimeout(() => {
          windowStart = Date.now();
          windowBytes = 0;
          socket.resume();
        }, Math.max(0, 100 - (Date.now() - windowStart)));
      }
    });
    socket.on('error', () => undefined);
    socket.write(`GET /file-100m.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  }
  let peak = baseline;
  const samples: number[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rss = rssOf(pid);
    samples.push(rss);
    peak = Math.max(peak, rss);
  }
  for (const socket of sockets) socket.destroy();
  child.kill('SIGTERM');
  const total = received.reduce((a, b) => a + b, 0);
  const stalled = received.filter((n) => n === 0).length;
  const last = samples.slice(-4);
  console.log(`${peer}: ${CLIENTS} clients for ${seconds} s, ${mb(total)} sent (${mb(total / CLIENTS)} a client, ${stalled} stalled)`);
  console.log(`RSS: ${mb(baseline)} before, peak ${mb(peak)} (+${mb(peak - baseline)}), last samples ${last.map(mb).join(', ')}`);
  if (peak - baseline > LIMIT || stalled > 0) process.exitCode = 1;
}

void main();
