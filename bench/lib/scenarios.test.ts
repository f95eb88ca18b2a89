/**
 * Every target of every scenario answers the benchmarked request with the same status
 * and, once gunzipped, the same body, so no row is measured doing less work; the
 * stack targets also refuse a request without credentials and write one combined
 * log line per request; the json-post targets refuse a malformed body.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SCENARIOS, selectScenarios } from './scenarios.js';
import { REDIS_URL_ENV, type Target } from './target.js';
import { startRedis, type RedisServer } from '../../packages/redis/test/redis-server.js';
import rawNode from '../targets/raw-node.js';
import tsgi from '../targets/tsgi.js';
import connectTarget from '../targets/connect.js';
import fastify from '../targets/fastify.js';
import hono from '../targets/hono.js';
import koa from '../targets/koa.js';
import expressTarget from '../targets/express.js';
import { STACK_PATH } from './workload.js';

const MODULES: Record<string, Target> = { 'raw-node': rawNode, tsgi, connect: connectTarget, fastify, hono, koa, express: expressTarget };

// The scenarios with `redis: true` get a real redis-server, as run.ts gives them.
let redis: RedisServer | undefined;
beforeAll(async () => {
  if (!SCENARIOS.some((s) => s.redis)) return;
  redis = await startRedis();
  process.env[REDIS_URL_ENV] = redis.url;
});
afterAll(async () => {
  delete process.env[REDIS_URL_ENV];
  await redis?.stop();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(port: number, path: string, headers: Readonly<Record<string, string>>, method = 'GET', body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

// The file servers load @fastify/static, whose dependencies are ESM only: they run in
// child processes, as the bench runs them, in bench/lib/static.test.ts.
const cases = SCENARIOS.flatMap((scenario) =>
  scenario.rows.filter((row) => row.module !== 'static').map((row) => [scenario.name, row.id, scenario, row] as const),
);

test.each(cases)('%s: %s answers the benchmarked request like every other row', async (_name, _id, scenario, row) => {
  const started = await MODULES[row.module]!.start(row.variant, 0);
  try {
    const answer = await get(started.port, scenario.path, scenario.headers, scenario.method, scenario.body);
    expect(answer.status).toBe(scenario.expect.status);
    const gzipped = row.gzip ?? scenario.expect.gzip;
    expect(answer.headers['content-encoding']).toBe(gzipped ? 'gzip' : undefined);
    const body = gzipped ? gunzipSync(answer.body) : answer.body;
    expect(body.equals(scenario.expect.body)).toBe(true);
    if (gzipped) expect(answer.body.byteLength).toBeLessThan(scenario.expect.body.byteLength / 2);
  } finally {
    await started.close();
  }
});

describe('stack targets', () => {
  const stack = SCENARIOS.find((s) => s.name === 'stack')!;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsgi-bench-'));
  });
  afterAll(() => {
    delete process.env.BENCH_LOG_FILE;
    rmSync(dir, { recursive: true, force: true });
  });

  test.each(stack.rows.map((row) => [row.id, row] as const))('%s refuses missing credentials, 404s an unknown path and logs combined lines', async (id, row) => {
    const file = join(dir, `${id}.log`);
    process.env.BENCH_LOG_FILE = file;
    const started = await MODULES[row.module]!.start(row.variant, 0);
    try {
      const { authorization: _auth, ...anonymous } = stack.headers;
      const refused = await get(started.port, STACK_PATH, anonymous);
      expect(refused.status).toBe(401);
      expect(String(refused.headers['www-authenticate'])).toMatch(/^Basic realm="bench"/);
      expect((await get(started.port, '/api/v1/nope', stack.headers)).status).toBe(404);
      expect((await get(started.port, STACK_PATH + '?q=1', stack.headers)).status).toBe(200);
      // A second param route, two params deep, reaches the same answer.
      expect((await get(started.port, '/api/v1/users/7/orders', stack.headers)).status).toBe(200);
    } finally {
      await started.close();
    }
    // Log streams write asynchronously (tsgi batches lines per turn of the event loop).
    let lines: string[] = [];
    for (let i = 0; i < 50 && lines.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 20));
      lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    }
    expect(lines).toHaveLength(4);
    const combined = /^127\.0\.0\.1 - (-|bench) \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET (\S+) HTTP\/1\.1" (\d{3}) (\d+|-) "(.*)" "(.*)"$/;
    const parsed = lines.map((line) => combined.exec(line)?.slice(1));
    expect(parsed.map((p) => p?.slice(0, 3))).toEqual([
      ['-', STACK_PATH, '401'],
      ['bench', '/api/v1/nope', '404'],
      ['bench', STACK_PATH + '?q=1', '200'],
      ['bench', '/api/v1/users/7/orders', '200'],
    ]);
    expect(parsed[2]!.slice(4)).toEqual(['http://127.0.0.1/bench', 'tsgi-bench/1.0']);
  });
});

describe('json-post targets', () => {
  const post = SCENARIOS.find((s) => s.name === 'json-post')!;
  test.each(post.rows.map((row) => [row.id, row] as const))('%s really parses: a malformed body is refused', async (_id, row) => {
    const started = await MODULES[row.module]!.start(row.variant, 0);
    try {
      const malformed = await get(started.port, post.path, post.headers, 'POST', Buffer.from('{"items": ['));
      expect(malformed.status).toBeGreaterThanOrEqual(400);
    } finally {
      await started.close();
    }
  });
});

test('BENCH_SCENARIOS: gzip expands to its three tables, order follows the suite, unknown names are refused', () => {
  expect(selectScenarios('gzip,hello')).toEqual(['hello', 'gzip-10k', 'gzip-small', 'gzip-1mb']);
  expect(selectScenarios(undefined)).toContain('router');
  expect(() => selectScenarios('nope')).toThrow(/unknown scenario "nope"/);
});
