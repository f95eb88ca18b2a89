/**
 * Idle and peak resident memory of the hello servers of bench/cost/server.ts:
 * `tsx bench/cost/rss.ts [raw tsgi fastify] [--rounds 3] [--seconds 5] [--base] [--gc]`. Each round
 * starts each target in a new process, reads VmRSS after a second idle, then loads it
 * with autocannon (10 connections) and reads VmHWM (the peak). Medians over rounds.
 * Memory does not depend on how busy the machine is the way req/s does.
 */
import { execFile, spawn } from 'node:child_process';
import { build, CACHE } from './build.js';
import { mkdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const rounds = option('--rounds', 3);
const seconds = option('--seconds', 5);
const FLAGS = ['--base', '--gc'];
const chosen = args.filter((a, i) => !a.startsWith('--') && !(args[i - 1]?.startsWith('--') && !FLAGS.includes(args[i - 1]!)));
const dir = CACHE;
mkdirSync(dir, { recursive: true });
// `--base`: the bundle kept from before a change (cp -r server server-base), not rebuilt.
const entry = args.includes('--base') ? `${CACHE}/server-base/server.mjs` : build('server');

const kb = (pid: number, field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const median = (values: number[]): number => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// `--gc`: the server runs with --trace-gc; scavenges per 10k requests are counted under the load.
const traceGc = args.includes('--gc');
const gcLines: string[] = [];

async function once(target: string): Promise<[idle: number, peak: number]> {
  const child = spawn('node', [...(traceGc ? ['--trace-gc'] : []), entry, target], { stdio: ['pipe', 'pipe', 'inherit'] });
  let scavenges = 0;
  const port = await new Promise<string>((resolve) => {
    let out = '';
    let ready = false;
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      scavenges += text.split('Scavenge').length - 1;
      if (ready) return;
      // Only the tail is kept: with --trace-gc the GC lines come before READY too.
      out = out.slice(-100) + text;
      const m = /READY (\d+)/.exec(out);
      if (m) {
        ready = true;
        resolve(m[1]!);
      }
    });
  });
  await sleep(1000);
  const idle = kb(child.pid!, 'VmRSS');
  const before = scavenges;
  // Async, so that this process keeps reading the server's GC trace while the load runs.
  const report = await new Promise<string>((resolve, reject) =>
    execFile('npx', ['autocannon', '-j', '-c', '10', '-d', String(seconds), `http://127.0.0.1:${port}/`], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
  const peak = kb(child.pid!, 'VmHWM');
  if (traceGc) {
    const total = (JSON.parse(report) as { requests: { total: number } }).requests.total;
    gcLines.push(`${target.padEnd(8)} ${total} requests, ${scavenges - before} scavenges: ${(((scavenges - before) / total) * 1e4).toFixed(1)} per 10k requests, peak ${(peak / 1024).toFixed(1)} MB`);
  }
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  return [idle, peak];
}

void (async () => {
  const targets = chosen.length ? chosen : ['raw', 'tsgi', 'fastify'];
  const results = new Map(targets.map((t) => [t, [[], []] as [number[], number[]]]));
  for (let r = 0; r < rounds; r++) {
    for (const target of targets) {
      const [idle, peak] = await once(target);
      results.get(target)![0].push(idle);
      results.get(target)![1].push(peak);
    }
  }
  console.log(`median of ${rounds} rounds; peak under ${seconds} s of autocannon -c 10`);
  for (const [target, [idle, peak]] of results) {
    console.log(`${target.padEnd(8)} idle ${(median(idle) / 1024).toFixed(1)} MB  peak ${(median(peak) / 1024).toFixed(1)} MB   (idle ${idle.join(' ')} kB, peak ${peak.join(' ')} kB)`);
  }
  for (const line of gcLines) console.log(line);
})();
