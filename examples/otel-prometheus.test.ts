/**
 * A real Prometheus (Debian's /usr/bin/prometheus) scrapes examples/otel-metrics.ts
 * served on 127.0.0.1: it runs on a free port with a temp config (scrape_interval 1s)
 * and a temp storage dir, the test sends a known number of requests, and reads back
 * through Prometheus's HTTP query API that the request count and the histogram
 * buckets are what was sent. Bounded waits; Prometheus is stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { createMetricsApp } from './otel-metrics.js';

const PROMETHEUS = '/usr/bin/prometheus';
const N = 7;

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 250 ms until it returns a value, for at most `ms`. */
async function within<T>(ms: number, what: string, check: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`${what}: nothing within ${ms} ms (last error: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

type Vector = Array<{ metric: Record<string, string>; value: [number, string] }>;

let dir = '';
let prometheus: ChildProcess | undefined;
let promUrl = '';
let served: Served | undefined;
let stderr = '';

beforeAll(async () => {
  if (!existsSync(PROMETHEUS)) throw new Error(`${PROMETHEUS} is missing: apt-get install prometheus (scripts/system-packages lists it)`);
  const { app } = createMetricsApp();
  served = await serve(lint(app), { host: '127.0.0.1', port: 0 });
  const target = new URL(served.url).host;
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  dir = mkdtempSync(join(tmpdir(), 'tsgi-prometheus-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    ['global:', '  scrape_interval: 1s', 'scrape_configs:', '  - job_name: tsgi', '    static_configs:', `      - targets: ['${target}']`, ''].join('\n'),
  );
  prometheus = spawn(
    PROMETHEUS,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  prometheus.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
  await within(20_000, 'Prometheus ready', async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined));
}, 30_000);

afterAll(async () => {
  if (prometheus?.pid !== undefined && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
    process.kill(prometheus.pid, 'SIGTERM');
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
    if (prometheus.exitCode === null) process.kill(prometheus.pid, 'SIGKILL');
  }
  await served?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function query(promql: string): Promise<Vector | undefined> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; data: { result: Vector } };
  return body.status === 'success' ? body.data.result : undefined;
}

const ROUTE = 'http_route="/users/:id"';
// The exporter names the histogram http_server_request_duration (0.301 adds no unit
// suffix); Prometheus's own OTLP translation would say ..._seconds. Either is accepted.
const series = (suffix: string, labels: string) => `{__name__=~"http_server_request_duration(_seconds)?_${suffix}",${labels}}`;

test('Prometheus scrapes /metrics: the request count and histogram buckets match what was sent', async () => {
  for (let i = 0; i < N; i++) {
    const res = await fetch(`${served!.url}/users/${i}`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
  // Bounded: scrape_interval is 1 s; allow ~20 s for start-up and the first scrapes.
  const count = await within(20_000, `the request count (prometheus stderr: ${stderr.slice(-500)})`, async () => {
    const result = await query(series('count', ROUTE));
    const value = result?.[0]?.value[1];
    return value === String(N) ? result : undefined;
  });
  expect(count).toHaveLength(1);
  expect(count[0]!.metric).toMatchObject({
    otel_scope_name: '@tsgi/otel',
    http_request_method: 'GET',
    http_response_status_code: '200',
    url_scheme: 'http',
    network_protocol_version: '1.1',
  });

  const buckets = (await query(series('bucket', ROUTE)))!;
  const le = (bound: string) => (bound === '+Inf' ? Infinity : Number(bound));
  const bounds = buckets.map((b) => b.metric.le!).sort((a, b) => le(a) - le(b));
  expect(bounds).toEqual(['0.005', '0.01', '0.025', '0.05', '0.075', '0.1', '0.25', '0.5', '0.75', '1', '2.5', '5', '7.5', '10', '+Inf']);
  const byBound = new Map(buckets.map((b) => [b.metric.le!, Number(b.value[1])]));
  // Cumulative buckets: never decreasing, and +Inf holds every request.
  const counts = bounds.map((le) => byBound.get(le)!);
  for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]!);
  expect(byBound.get('+Inf')).toBe(N);
  // Scrapes of /metrics itself are ignored: no series for them.
  expect(await query(series('count', 'http_route="/metrics"'))).toEqual([]);
}, 40_000);
