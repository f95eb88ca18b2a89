/**
 * Router dispatch through the public API, the measuring part: `router()` called as an
 * Application with a fresh environ per request, against find-my-way's own
 * `lookup(req, res)` with a fresh request object per request. Each handler reads its
 * params (routingArgs for tsgi, the params argument for find-my-way), so both sides do
 * the work a real route does. Requests are split by class: static, one param, several
 * params, wildcard, 404 and 405 (find-my-way has no 405: its miss is a plain default
 * route, while tsgi also builds `Allow`).
 *
 * Run by dispatch.bench.ts (alone) and by router.bench.ts (in `pnpm bench`).
 */
import FindMyWay from 'find-my-way';
import type { Application, Environ, StartResponse } from '@tsgi/core';
import { router, routingArgs } from '@tsgi/router';
import { githubRoutes, requestsFor, type RouteDef } from './github-routes.js';

export type Request = [method: string, path: string];
export type Dispatch = (method: string, path: string) => void;
let sink = 0;
const BODY = [new Uint8Array(2)];

/** `router()` over `routes`, called as an Application with a fresh environ per request. */
export function tsgiDispatcher(routes: readonly RouteDef[]): Dispatch {
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

/** find-my-way over `routes`, `lookup(req, res)` with a fresh request object per request. */
export function findMyWayDispatcher(routes: readonly RouteDef[]): Dispatch {
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

/** Dispatches every request in turn for about `ms`; returns dispatches per second. */
function timed(dispatch: Dispatch, requests: Request[], ms: number): number {
  const n = requests.length;
  let ops = 0;
  const start = process.hrtime.bigint();
  const limit = start + BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() < limit) {
    for (let i = 0; i < n; i++) dispatch(requests[i]![0], requests[i]![1]);
    ops += n;
  }
  return ops / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (values: number[]): number => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Both sides in alternating rounds after a warm-up, so a burst of load from elsewhere
 * on the machine falls on both: the ratio is the median of the per-round ratios.
 */
function race(tsgi: Dispatch, fmw: Dispatch, requests: Request[], rounds: number, roundMs: number) {
  const n = requests.length;
  for (const dispatch of [tsgi, fmw]) for (let i = 0; i < 100_000; i++) dispatch(requests[i % n]![0], requests[i % n]![1]);
  const t: number[] = [];
  const f: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    t.push(timed(tsgi, requests, roundMs));
    f.push(timed(fmw, requests, roundMs));
    ratios.push(t[round]! / f[round]!);
  }
  return { tsgi: median(t), fmw: median(f), ratio: median(ratios) };
}

const paramCount = (pattern: string) => (pattern.match(/:\w+/g) ?? []).length;

/** The request classes, each a list of [method, path] over the GitHub route set. */
export const DISPATCH_CLASSES: Record<string, Request[]> = {
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

export interface DispatchRow {
  class: string;
  requests: number;
  tsgiOpsPerSec: number;
  findMyWayOpsPerSec: number;
  /** tsgi / find-my-way: the median of the ratios of rounds run in turn. */
  ratio: number;
}

/** Measures each class (all by default) on both sides. */
export function measureDispatch(names = Object.keys(DISPATCH_CLASSES), rounds = 7, roundMs = 200): DispatchRow[] {
  const unknown = names.filter((name) => !(name in DISPATCH_CLASSES));
  if (unknown.length) throw new TypeError(`dispatch bench: no class ${unknown.join(', ')}; the classes are ${Object.keys(DISPATCH_CLASSES).join(', ')}`);
  const tsgi = tsgiDispatcher(githubRoutes);
  const fmw = findMyWayDispatcher(githubRoutes);
  const rows = names.map((name) => {
    const requests = DISPATCH_CLASSES[name]!;
    const { tsgi: t, fmw: f, ratio } = race(tsgi, fmw, requests, rounds, roundMs);
    return { class: name, requests: requests.length, tsgiOpsPerSec: Math.round(t), findMyWayOpsPerSec: Math.round(f), ratio };
  });
  if (sink === -1) console.log(sink);
  return rows;
}

/** Prints the rows as a console table with the ratio column. */
export function printDispatch(rows: readonly DispatchRow[]): void {
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
}
