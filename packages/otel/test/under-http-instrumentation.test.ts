/**
 * Under @opentelemetry/instrumentation-http (a real Node process with the
 * instrumentation patching node:http, see fixtures/under-http-instrumentation.ts):
 * one SERVER span per request, the instrumentation's, named by the route otel() hands
 * up; otel()'s own span is its INTERNAL child; the duration is recorded once, with the
 * route.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';

const root = join(__dirname, '..', '..', '..');

interface Output {
  status: number;
  spans: Array<{ name: string; kind: number; scope: string; traceId: string; spanId: string; parentSpanId?: string; attributes: Record<string, unknown> }>;
  durations: Array<{ scope: string; points: Array<{ attributes: Record<string, unknown>; count: number }> }>;
}

test('no second SERVER span: ours is INTERNAL under the instrumentation span, which gets http.route and its name', () => {
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, 'fixtures', 'under-http-instrumentation.ts')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const output = JSON.parse(result.stdout) as Output;
  expect(output.status).toBe(200);
  const servers = output.spans.filter((s) => s.kind === SpanKind.SERVER);
  expect(servers).toHaveLength(1);
  const [server] = servers;
  expect(server!.scope).toBe('@opentelemetry/instrumentation-http');
  expect(server!.name).toBe('GET /users/:id');
  expect(server!.attributes['http.route']).toBe('/users/:id');
  expect(server!.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');

  const ours = output.spans.find((s) => s.scope === '@tsgi/otel')!;
  expect(ours.kind).toBe(SpanKind.INTERNAL);
  expect(ours.parentSpanId).toBe(server!.spanId);
  expect(ours.name).toBe('GET /users/:id');

  // One duration point, from the instrumentation, with the route otel() handed up.
  const points = output.durations.flatMap((d) => d.points.map((p) => ({ scope: d.scope, ...p })));
  expect(points).toEqual([
    expect.objectContaining({ scope: '@opentelemetry/instrumentation-http', count: 1, attributes: expect.objectContaining({ 'http.route': '/users/:id' }) }),
  ]);
});
