/**
 * Idle and peak resident memory of the hello servers of bench/cost/server.ts:
 * `tsx bench/cost/rss.ts [raw tsgi fastify] [--rounds 3] [--seconds 5]`. Each round
 * starts each target in a new process, reads VmRSS after a second idle, then loads it
 * with autocannon (10 connections) and reads VmHWM (the peak). Medians over rounds.
 * Memory does not depend on how busy the machine is the way req/s does.
 */
import { execFileSync, spawn } from 'node:child_process';
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
const chosen = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const dir = CACHE;
mkdirSync(dir, { recursive: true });
const entry = build('server');

const kb = (pid: number, field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const median = (values: number[]): number => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function once(target: string): Promise<[idle: number, peak: number]> {
  const child = spawn('node', [entry, target], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  await sleep(1000);
  const idle = kb(child.pid!, 'VmRSS');
  execFileSync('npx', ['autocannon', '-c', '10', '-d', String(seconds), `http://127.0.0.1:${port}/`], { stdio: 'ignore' });
  const peak = kb(child.pid!, 'VmHWM');
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
    console.log(`${target.padEnd(8)} idle ${(median(idle) / 1024).toFixed(1)} MB  peak ${(median(peak) / 1024).toFixed(1)} MB   (idle ${idle.join(' ')} kB)`);
  }
})();
