/**
 * One hello-style row at the socket under callgrind with V8's generated code named:
 * `npx tsx bench/cost/jit-names.ts <raw-node|tsgi|fastify> <variant> [--n 1000]
 * [--warmup 2000] [--top 60]`. The server runs with `--perf-basic-prof`, so each
 * `0x...` function callgrind could not name falls inside an entry of
 * `/tmp/perf-<pid>.map`; self costs are summed per JavaScript function (`JS:*name
 * file:line`, `*` TurboFan, `^` Sparkplug) and printed per request, with the whole
 * list written to `<cache>/jit.<module>.<variant>.tsv` for a diff of two runs. GET `/`
 * only (the hello scenarios); socket.ts counts any scenario.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { build, CACHE } from './build.js';
import { removeDumps, selfCosts, startCounted, totals } from './callgrind.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args.splice(at, 2)[1]);
};
const N = option('n', 1000);
const WARMUP = option('warmup', 2000);
const TOP = option('top', 60);
const [module = 'tsgi', variant = 'hello'] = args;
const entry = build('socket-child');
const prefix = `jit.${module}.${variant}`;
removeDumps(CACHE, prefix);
const server = await startCounted(entry, [module, variant], join(CACHE, prefix), {
  // The perf map is what names the code; V8's own log goes to the cache, not the cwd.
  nodeFlags: ['--interrupt-budget=8192', '--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${join(CACHE, 'jit-v8.log')}`],
  env: { ...process.env },
  cwd: process.cwd(),
});
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
async function send(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = request({ port: server.port, host: '127.0.0.1', path: '/', agent }, (res) => res.resume().on('end', resolve));
      // A kept-alive socket the server closed as idle: counted as sent (socket.ts resends).
      req.on('error', (error: NodeJS.ErrnoException) => (req.reusedSocket && error.code === 'ECONNRESET' ? resolve() : reject(error))).end();
    });
  }
}
await send(WARMUP);
server.zero();
await send(N);
server.dump();
agent.destroy();
const pid = server.pid;
await server.stop();

const map: Array<[start: number, size: number, name: string]> = [];
const mapFile = `/tmp/perf-${pid}.map`;
if (existsSync(mapFile)) {
  for (const line of readFileSync(mapFile, 'utf8').split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (m) map.push([parseInt(m[1]!, 16), parseInt(m[2]!, 16), m[3]!]);
  }
}
map.sort((a, b) => a[0] - b[0]);
function nameOf(address: number): string | undefined {
  let lo = 0;
  let hi = map.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid]![0] <= address) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const hit = map[best];
  return hit !== undefined && address < hit[0] + hit[1] ? hit[2] : undefined;
}
const main = readdirSync(CACHE).find((f) => f.startsWith(prefix) && /\.1-01$/.test(f))!;
const summed = new Map<string, number>();
for (const [name, cost] of selfCosts(join(CACHE, main))) {
  const m = /^0x([0-9a-f]+)/.exec(name);
  const key = (m && nameOf(parseInt(m[1]!, 16))) ?? name;
  summed.set(key, (summed.get(key) ?? 0) + cost);
}
const sorted = [...summed].sort((a, b) => b[1] - a[1]);
const { main: mainTotal, all } = totals(CACHE, prefix);
console.log(`${module}:${variant}: ${N} requests after ${WARMUP}; main ${Math.round(mainTotal / N)}, all threads ${Math.round(all / N)} Ir/request`);
for (const [name, cost] of sorted.slice(0, TOP)) console.log(`${Math.round(cost / N).toString().padStart(7)}  ${name.slice(0, 160)}`);
const out = join(CACHE, `${prefix}.tsv`);
writeFileSync(out, sorted.map(([name, cost]) => `${(cost / N).toFixed(1)}\t${name}`).join('\n'));
console.log(`all functions: ${out}`);
removeDumps(CACHE, prefix);
