/**
 * Where a `json-post` row's server allocates, by function (V8's sampling heap profiler,
 * collected objects included), over requests sent after a warm-up:
 *
 *   npx tsx bench/json-post/alloc-sites.ts <module> <variant> [--n 5000] [--top 25]
 *
 * The target runs in this process; autocannon runs in a child (50 connections).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JSON_10K, POST_PATH } from '../lib/workload.js';

const [module, variant] = process.argv.slice(2);
const at = (name: string, fallback: number): number => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const N = at('n', 5000);
const TOP = at('top', 25);
const BODY = join(tmpdir(), 'json-post-10k.json');
writeFileSync(BODY, JSON_10K);

interface Node { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Node[]; id: number }
interface Sample { size: number; nodeId: number }

const target = ((await import(pathToFileURL(resolve(`bench/targets/${module}.ts`)).href)) as { default: { start(s: string, p: number): Promise<{ port: number; close(): Promise<void> }> } }).default;
const started = await target.start(variant!, 0);
const load = (amount: number): Promise<void> =>
  new Promise((done, fail) => {
    // A child, not spawnSync: this process serves while autocannon runs.
    const child = spawn('npx', ['autocannon', '-t', '120', '-c', '50', '-a', String(amount), '-m', 'POST', '-H', 'content-type=application/json', '-i', BODY, `http://127.0.0.1:${started.port}${POST_PATH}`], { stdio: 'ignore' });
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`autocannon exited ${code}`))));
  });
await load(3000);
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as object);
await load(N);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: Node; samples: Sample[] } };
const byId = new Map<number, { node: Node; stack: string }>();
const walk = (node: Node): void => {
  const here = `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
  byId.set(node.id, { node, stack: here });
  for (const child of node.children) walk(child);
};
walk(profile.head);
const bySite = new Map<string, number>();
let total = 0;
for (const sample of profile.samples) {
  const site = byId.get(sample.nodeId)!.stack;
  bySite.set(site, (bySite.get(site) ?? 0) + sample.size);
  total += sample.size;
}
console.log(`${module}:${variant}: ${(total / N / 1024).toFixed(1)} KiB sampled per request`);
for (const [site, size] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${(size / N).toFixed(0).padStart(7)} B/req  ${site}`);
session.disconnect();
await started.close();
process.exit(0);
