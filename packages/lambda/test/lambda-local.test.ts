/**
 * The handler run as Lambda runs it, by lambda-local: its context object, its timeout,
 * its promise/callback handling, and its `awslambda.streamifyResponse` for streamed
 * responses (which hands back the body as a stream the test reads chunk by chunk).
 */
import { gunzipSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import * as lambdaLocal from 'lambda-local';
import { toLambda, type LambdaHttpEvent, type LambdaHttpResult } from '../src/index.js';
import { app, BINARY, closes, EVENT_GAP_MS, LONG_TEXT } from './app.js';
import { events } from './fixtures.js';

lambdaLocal.getLogger().level = 'error';

async function invoke(handler: unknown, event: LambdaHttpEvent): Promise<LambdaHttpResult> {
  return (await lambdaLocal.execute({
    event: event as unknown as Record<string, unknown>,
    lambdaFunc: { handler },
    lambdaHandler: 'handler',
    timeoutMs: 5000,
    verboseLevel: 0,
  })) as LambdaHttpResult;
}

const buffered = toLambda(app, { errors: () => {} });

function get(event: LambdaHttpEvent, path: string, headers: Record<string, string> = {}): LambdaHttpEvent {
  const e = event as unknown as Record<string, unknown> & { requestContext: Record<string, unknown> };
  e.body = null;
  e.isBase64Encoded = false;
  if ('rawPath' in e) {
    e.rawPath = path;
    (e.requestContext.http as { method: string }).method = 'GET';
  } else {
    e.path = path;
    e.httpMethod = 'GET';
    if (typeof e.requestContext.path === 'string') e.requestContext.path = '/prod' + path;
  }
  if (e.multiValueHeaders) Object.assign(e.multiValueHeaders, Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])));
  else e.headers = { ...(e.headers as Record<string, string>), ...headers };
  return event;
}

describe('toLambda under lambda-local', () => {
  test.each([
    ['REST API 1.0', events.v1, '/prod'],
    ['HTTP API 2.0', events.v2, '/dev'],
    ['Function URL', events.functionUrl, ''],
    ['ALB', events.alb, ''],
    ['ALB multi-value', events.albMulti, ''],
  ] as const)('%s: echo with the stage as SCRIPT_NAME, the body and both cookies', async (_name, make, stage) => {
    const result = await invoke(buffered, make());
    expect(result.statusCode).toBe(200);
    const seen = JSON.parse(result.body) as Record<string, string>;
    expect(seen.scriptName).toBe(stage);
    expect(seen.body).toBe('{"name":"café"}');
    const cookies = result.cookies ?? result.multiValueHeaders?.['set-cookie'] ?? Object.entries(result.headers ?? {}).filter(([k]) => k.toLowerCase() === 'set-cookie').map(([, v]) => v);
    expect([...cookies].sort()).toEqual(['session=s1; Path=/; HttpOnly', 'theme=dark; Path=/']);
  });

  test.each([
    ['REST API 1.0', events.v1],
    ['HTTP API 2.0', events.v2],
    ['Function URL', events.functionUrl],
    ['ALB', events.alb],
  ] as const)('%s: binary and gzip bodies survive the JSON result as base64', async (_name, make) => {
    const binary = await invoke(buffered, get(make(), '/binary'));
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body, 'base64').equals(Buffer.from(BINARY))).toBe(true);
    const compressed = await invoke(buffered, get(make(), '/long', { 'accept-encoding': 'gzip' }));
    expect(compressed.isBase64Encoded).toBe(true);
    expect(gunzipSync(Buffer.from(compressed.body, 'base64')).toString()).toBe(LONG_TEXT);
  });

  test('streaming (Function URL, RESPONSE_STREAM): events arrive one by one as the app yields them', async () => {
    const streamed = toLambda(app, { streaming: true, errors: () => {} });
    const before = closes.count;
    const result = (await invoke(streamed, get(events.functionUrl(), '/events'))) as unknown as {
      statusCode: number;
      headers: Record<string, string>;
      body: Readable;
    };
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toBe('text/event-stream');
    const arrivals: Array<{ at: number; text: string }> = [];
    const start = performance.now();
    for await (const chunk of result.body) arrivals.push({ at: performance.now() - start, text: Buffer.from(chunk as Uint8Array).toString() });
    expect(arrivals.map((a) => a.text).join('')).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\n');
    // Three separate deliveries, spaced by the app's pauses: nothing was held back.
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    const last = arrivals[arrivals.length - 1] as { at: number };
    const first = arrivals[0] as { at: number };
    expect(last.at - first.at).toBeGreaterThanOrEqual(EVENT_GAP_MS * 2 - 30);
    expect(closes.count).toBe(before + 1);
  });

  test('streaming: a client that goes away ends the app\'s iterator and closes its body once', async () => {
    const streamed = toLambda(app, { streaming: true, errors: () => {} });
    const before = closes.count;
    const result = (await invoke(streamed, get(events.functionUrl(), '/events'))) as unknown as { body: Readable };
    const iterator = result.body[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value as Uint8Array).toString()).toBe('data: 1\n\n');
    result.body.destroy();
    const deadline = Date.now() + 2000;
    while (closes.count === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closes.count).toBe(before + 1);
    // The app's remaining events are never produced: nothing else closes it again.
    await new Promise((resolve) => setTimeout(resolve, EVENT_GAP_MS * 3));
    expect(closes.count).toBe(before + 1);
  });

  test('streaming a binary body sends the raw bytes, no base64', async () => {
    const streamed = toLambda(app, { streaming: true });
    const result = (await invoke(streamed, get(events.functionUrl(), '/binary'))) as unknown as { body: Readable };
    const chunks: Buffer[] = [];
    for await (const chunk of result.body) chunks.push(Buffer.from(chunk as Uint8Array));
    expect(Buffer.concat(chunks).equals(Buffer.from(BINARY))).toBe(true);
  });
});
