/**
 * The `otel` bench rows measure real tracing: each SDK row exports one SERVER span per
 * request (tsgi's named by the route, @fastify/otel's by its own scheme), so neither row
 * is measured doing less work than it claims.
 */
import { request } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import fastify from '../targets/fastify.js';
import tsgi from '../targets/tsgi.js';
import { started } from './otel-sdk.js';
import { REQUEST_HEADERS, STACK_PATH } from './workload.js';

function get(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: STACK_PATH, headers: REQUEST_HEADERS, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    })
      .on('error', reject)
      .end();
  });
}

test.each([
  ['tsgi', 'stack+otel-sdk', tsgi, '@tsgi/otel'],
  ['fastify', 'stack+otel', fastify, '@fastify/otel'],
] as const)('%s %s exports a SERVER span per request through the batch processor', async (_name, variant, target, scope) => {
  const server = await target.start(variant, 0);
  const sdk = started.at(-1)!;
  try {
    for (let i = 0; i < 3; i++) expect(await get(server.port)).toBe(200);
    await sdk.tracerProvider.forceFlush();
    const spans = sdk.exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === scope && s.kind === SpanKind.SERVER);
    expect(spans).toHaveLength(3);
  } finally {
    await server.close();
  }
});
