/**
 * Router lookup micro-benchmark: the pure lookup function of each router (no
 * request objects, no handlers run) over the GitHub REST API route set, on a mixed
 * request set (every route once) and on the static routes only. Then dispatch
 * through the public API by request class (dispatch.ts): `router()` against
 * find-my-way's `lookup()`, with ratios from the same run. `pnpm bench` runs this
 * file as its `router` scenario.
 *
 *   npx tsx bench/router/router.bench.ts
 *
 * Prints a table and writes bench/results/router.json. Each figure is the median of
 * several timed rounds after a warm-up; compare ratios from one run, not absolute
 * numbers across machines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import FindMyWay from 'find-my-way';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { TrieRouter } from 'hono/router/trie-router';
import { Matcher } from '@tsgi/router';
import { measureDispatch, printDispatch } from './dispatch.js';
import { githubRoutes, requestsFor, type RouteDef } from './github-routes.js';

type Lookup = (method: string, path: string) => unknown;
interface Contender {
  name: string;
  refused: string[];
  lookup: Lookup;
}

const toColonStar = (pattern: string) => pattern.replace(/\*\w*$/, '*');

function tsgi(routes: readonly RouteDef[]): Contender {
  const m = new Matcher<number>();
  const refused: string[] = [];
  routes.forEach(([method, pattern], i) => {
    try {
      m.add(method, pattern, i);
    } catch {
      refused.push(`${method} ${pattern}`);
    }
  });
  return { name: 'tsgi Matcher', refused, lookup: (method, path) => m.find(method, path) };
}

function findMyWay(routes: readonly RouteDef[]): Contender {
  const r = FindMyWay();
  const refused: string[] = [];
  for (const [method, pattern] of routes) {
    try {
      r.on(method as 'GET', toColonStar(pattern), () => undefined);
    } catch {
      refused.push(`${method} ${pattern}`);
    }
  }
  return { name: 'find-my-way', refused, lookup: (method, path) => r.find(method as 'GET', path) };
}

// Hono's routers build lazily on the first match, so a refused route shows up there:
// each route is tried on a fresh router holding the ones accepted so far.
function hono(name: string, make: () => RegExpRouter<number> | TrieRouter<number>, routes: readonly RouteDef[]): Contender {
  const accepted: RouteDef[] = [];
  const refused: string[] = [];
  for (const route of routes) {
    const r = make();
    try {
      for (const [method, pattern] of [...accepted, route]) r.add(method, toColonStar(pattern), 0);
      r.match('GET', '/');
      accepted.push(route);
    } catch {
      refused.push(`${route[0]} ${route[1]}`);
    }
  }
  const r = make();
  accepted.forEach(([method, pattern], i) => r.add(method, toColonStar(pattern), i));
  return { name, refused, lookup: (method, path) => r.match(method, path) };
}

function opsPerSecond(lookup: Lookup, requests: Array<[string, string]>, rounds = 7, roundMs = 250): number {
  let sink = 0;
  const n = requests.length;
  // Warm-up: let the JIT settle on this call site.
  for (let i = 0; i < 200_000; i++) if (lookup(requests[i % n]![0], requests[i % n]![1])) sink++;
  const results: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let ops = 0;
    const start = process.hrtime.bigint();
    const limit = start + BigInt(roundMs) * 1_000_000n;
    while (process.hrtime.bigint() < limit) {
      for (let i = 0; i < n; i++) if (lookup(requests[i]![0], requests[i]![1])) sink++;
      ops += n;
    }
    results.push(ops / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  if (sink === -1) console.log(sink);
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)]!;
}

const mixed = requestsFor(githubRoutes);
const staticRequests = requestsFor(githubRoutes.filter(([, p]) => !p.includes(':') && !p.includes('*')));
const contenders = [
  tsgi(githubRoutes),
  findMyWay(githubRoutes),
  hono('hono RegExpRouter', () => new RegExpRouter<number>(), githubRoutes),
  hono('hono TrieRouter', () => new TrieRouter<number>(), githubRoutes),
];

// Every contender must find every request it accepted a route for, or the race is void.
for (const c of contenders) {
  const misses = mixed.filter(([method, path], i) => {
    if (c.refused.includes(`${githubRoutes[i]![0]} ${githubRoutes[i]![1]}`)) return false;
    const found = c.lookup(method, path) as { handler?: unknown; route?: unknown } | [unknown[]] | null;
    return found === null || (Array.isArray(found) && found[0].length === 0);
  });
  if (misses.length) throw new Error(`${c.name} missed ${misses.length} requests, e.g. ${misses[0]!.join(' ')}`);
}

const rows = contenders.map((c) => ({
  router: c.name,
  routes: githubRoutes.length - c.refused.length,
  refused: c.refused.length,
  mixedOpsPerSec: Math.round(opsPerSecond(c.lookup, mixed)),
  staticOpsPerSec: Math.round(opsPerSecond(c.lookup, staticRequests)),
}));
const base = rows.find((r) => r.router === 'find-my-way')!;
console.log(`GitHub API: ${githubRoutes.length} routes, ${mixed.length} mixed requests, ${staticRequests.length} static`);
console.table(
  rows.map((r) => ({
    router: r.router,
    refused: r.refused,
    'mixed M/s': (r.mixedOpsPerSec / 1e6).toFixed(2),
    'vs fmw': (r.mixedOpsPerSec / base.mixedOpsPerSec).toFixed(2) + 'x',
    'static M/s': (r.staticOpsPerSec / 1e6).toFixed(2),
    'vs fmw ': (r.staticOpsPerSec / base.staticOpsPerSec).toFixed(2) + 'x',
  })),
);
for (const c of contenders) if (c.refused.length) console.log(`${c.name} refused:`, c.refused.join(', '));

const dispatch = measureDispatch();
printDispatch(dispatch);

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'router.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    {
      benchmark: 'router lookup, GitHub REST API route set',
      date: new Date().toISOString(),
      node: process.version,
      caveat: 'measured on a shared machine under load from other work; compare ratios, re-measure before quoting',
      routes: githubRoutes.length,
      requests: { mixed: mixed.length, static: staticRequests.length },
      results: rows.map((r, i) => ({ ...r, refusedRoutes: contenders[i]!.refused })),
      dispatch,
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${out}`);
