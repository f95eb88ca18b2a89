/**
 * Router dispatch through the public API: `router()` called as an Application with a
 * fresh environ per request, against find-my-way's own `lookup(req, res)` with a fresh
 * request object per request. Each handler reads its params (routingArgs for tsgi, the
 * params argument for find-my-way), so both sides do the work a real route does.
 * Requests are split by class: static, one param, several params, wildcard, 404 and
 * 405 (find-my-way has no 405: its miss is a plain default route).
 *
 *   npx tsx bench/router/dispatch.bench.ts
 *
 * Prints a table and writes bench/results/router-dispatch.json. Ratios from one run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import FindMyWay from 'find-my-way';
import type { Application, Environ, StartResponse } from '@tsgi/core';
import { router, routingArgs } from '@tsgi/router';
import { githubRoutes, requestsFor, type RouteDef } from './github-routes.js';

type Request = [method: string, path: string];
let sink = 0;
const BODY = [new Uint8Array(2)];

function tsgiDispatcher(routes: readonly RouteDef[]): (method: string, path: string) => void {
  const handler: Application = (environ) => {
    const [, named] = routingArgs(environ);
    for (const key in named) sink += named[key]!.length;
    return BODY;
  };
  const app = router();
  for (const [method, pattern] of routes) app.route(method, pattern, handler);
  const startResponse: StartResponse = (status) => {
    sink += status.length;
    return () => {};
  };
  return (method, path) => {
    const environ = { REQUEST_METHOD: method, SCRIPT_NAME: '', PATH_INFO: path, QUERY_STRING: '' } as unknown as Environ;
    void app(environ, startResponse);
  };
}

function findMyWayDispatcher(routes: readonly RouteDef[]): (method: string, path: string) => void {
  const res = { statusCode: 200, end: () => void sink++ };
  const r = FindMyWay({
    defaultRoute: (_req, response) => {
      (response as unknown as typeof res).statusCode = 404;
      (response as unknown as typeof res).end();
    },
  });
  const handler = (_req: unknown, _res: unknown, params: Record<string, string | undefined>) => {
    for (const key in params) sink += params[key]!.length;
  };
  for (const [method, pattern] of routes) r.on(method as 'GET', pattern.replace(/\*\w*$/, '*'), handler);
  return (method, path) => {
    const req = { method, url: path, headers: {} };
    r.lookup(req as never, res as never);
  };
}

function opsPerSecond(dispatch: (method: string, path: string) => void, requests: Request[], rounds = 7, roundMs = 200): number {
  const n = requests.length;
  for (let i = 0; i < 100_000; i++) dispatch(requests[i % n]![0], requests[i % n]![1]);
  const results: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let ops = 0;
    const start = process.hrtime.bigint();
    const limit = start + BigInt(roundMs) * 1_000_000n;
    while (process.hrtime.bigint() < limit) {
      for (let i = 0; i < n; i++) dispatch(requests[i]![0], requests[i]![1]);
      ops += n;
    }
    results.push(ops / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)]!;
}

const paramCount = (pattern: string) => (pattern.match(/:\w+/g) ?? []).length;
const classes: Record<string, Request[]> = {
  mixed: requestsFor(githubRoutes),
  static: requestsFor(githubRoutes.filter(([, p]) => paramCount(p) === 0 && !p.includes('*'))),
  'one param': requestsFor(githubRoutes.filter(([, p]) => paramCount(p) === 1 && !p.includes('*'))),
  'three+ params': requestsFor(githubRoutes.filter(([, p]) => paramCount(p) >= 3 && !p.includes('*'))),
  wildcard: requestsFor(githubRoutes.filter(([, p]) => p.includes('*'))),
  '404': requestsFor(githubRoutes).map(([method, path]) => [method, path + '/nope/x'] as Request),
  // A path some route answers, asked with a method other routes have but none of its own
  // (find-my-way looks it up in that method's tree and misses; tsgi answers 405 + Allow).
  '405': (() => {
    const routes = requestsFor(githubRoutes);
    const deletable = new Set(routes.filter(([m]) => m === 'DELETE').map(([, path]) => path));
    return routes.filter(([m, path]) => m === 'GET' && !deletable.has(path)).map(([, path]) => ['DELETE', path] as Request);
  })(),
};

const tsgi = tsgiDispatcher(githubRoutes);
const fmw = findMyWayDispatcher(githubRoutes);
const rows = Object.entries(classes).map(([name, requests]) => {
  const t = opsPerSecond(tsgi, requests);
  const f = opsPerSecond(fmw, requests);
  return { class: name, requests: requests.length, tsgiOpsPerSec: Math.round(t), findMyWayOpsPerSec: Math.round(f), ratio: t / f };
});
console.log(`router dispatch, GitHub API (${githubRoutes.length} routes), fresh environ / request object per call`);
console.table(
  rows.map((r) => ({
    class: r.class,
    requests: r.requests,
    'tsgi router() M/s': (r.tsgiOpsPerSec / 1e6).toFixed(2),
    'find-my-way lookup M/s': (r.findMyWayOpsPerSec / 1e6).toFixed(2),
    ratio: r.ratio.toFixed(2) + 'x',
  })),
);
if (sink === -1) console.log(sink);

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'router-dispatch.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ benchmark: 'router dispatch through the public API', date: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n');
console.log(`wrote ${out}`);
