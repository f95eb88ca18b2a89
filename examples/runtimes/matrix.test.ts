/**
 * The runtime matrix: the app module of app.ts served by `serve()` on Node, by
 * `Bun.serve`, by `Deno.serve` and by workerd (through miniflare) with and without
 * `nodejs_compat`, and one table of requests (table.ts) sent to each over a real
 * socket. Every target must give the same statuses, the same headers that matter and
 * bodies that decode to the same bytes; streamed events must arrive one by one; and
 * each runtime's access log must have its lines. Then tsgi middleware inside Hono and
 * h3 (hosts-app.ts) on Bun and Deno, sent the adapters conformance table with
 * the Node suite's expectations (hosts-table.ts). Nothing is skipped: a runtime that
 * does not start fails the test.
 */
import WebSocket from 'ws';
import { EVENT_COUNT, EVENT_GAP_MS, type SpanSeen } from './app.js';
import { send } from './client.js';
import { outcome, ROWS } from './table.js';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startAll, type Bundles, type Target } from './targets.js';
import { TABLE } from '../../packages/adapters/test/table.js';
import { SSE_GAP_MS, type HostApp } from './hosts-app.js';
import { acrossHosts, expectedOf, HOST_NAMES, logged, outcomeOf, sentTo } from './hosts-table.js';
import { ERRORS_PASS_THROUGH } from '../../packages/adapters/test/table.js';

jest.setTimeout(60_000);

let targets: Target[] = [];
let hosts: Target[] = [];
let bundles: Bundles | undefined;
let stopAll: () => Promise<void> = async () => {};

beforeAll(async () => {
  ({ targets, hosts, bundles, stopAll } = await startAll());
});

afterAll(async () => {
  await stopAll();
});

test('every runtime starts', () => {
  expect(targets.map((target) => target.name)).toEqual(['node', 'bun', 'deno', 'bun+serve', 'deno+serve', 'workerd', 'workerd+nodejs_compat']);
  expect(hosts.map((target) => target.name)).toEqual(['bun', 'deno']);
});

describe.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
  test('same outcome on every runtime', async () => {
    const replies = await Promise.all(targets.map((target) => send(target.url, row.sent)));
    const got = Object.fromEntries(targets.map((target, i) => [target.name, outcome(replies[i]!, row.expected(target))]));
    const want = Object.fromEntries(targets.map((target) => [target.name, row.expected(target)]));
    expect(got).toEqual(want);
    if (row.sent.path === '/events') {
      for (const [i, reply] of replies.entries()) {
        const times = reply.eventTimes;
        expect({ runtime: targets[i]!.name, events: times.length }).toEqual({ runtime: targets[i]!.name, events: EVENT_COUNT });
        // Each event arrives on its own, about EVENT_GAP_MS after the one before; an
        // event held back (by a compressor or a buffering gateway) would arrive with
        // the next. A quarter of the gap leaves room for a loaded machine.
        for (let n = 1; n < times.length; n++) {
          expect({ runtime: targets[i]!.name, gapLongEnough: times[n]! - times[n - 1]! >= EVENT_GAP_MS / 4 }).toEqual({
            runtime: targets[i]!.name,
            gapLongEnough: true,
          });
        }
      }
    }
  });
});

test("each runtime's access log has a combined line per request, with the authenticated user", async () => {
  const wanted = [
    /"GET \/users\/zo%C3%AB HTTP\/1\.1" 200 /,
    / - alice \[[^\]]+\] "GET \/private HTTP\/1\.1" 200 12 /,
    /^203\.0\.113\.9 - - \[[^\]]+\] "GET \/client HTTP\/1\.1" 200 /m,
    /"POST \/upload HTTP\/1\.1" 200 /,
    /"GET \/events HTTP\/1\.1" 200 /,
  ];
  const deadline = Date.now() + 5000;
  const missing = (target: Target): string[] => wanted.filter((line) => !line.test(target.output())).map(String);
  while (Date.now() < deadline && targets.some((target) => missing(target).length > 0)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(Object.fromEntries(targets.map((target) => [target.name, missing(target)]))).toEqual(
    Object.fromEntries(targets.map((target) => [target.name, []])),
  );
});

test('otel(): a SERVER span with the route and the status reaches the in-memory exporter on every runtime', async () => {
  const path = '/users/otel-check';
  const replies = await Promise.all(targets.map((target) => send(target.url, { method: 'GET', path })));
  expect(replies.map((reply) => reply.status)).toEqual(targets.map(() => 200));
  // The span ends when the body is closed, which may come just after the reply: poll /spans.
  const found = async (target: Target): Promise<SpanSeen | undefined> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const reply = await send(target.url, { method: 'GET', path: '/spans' });
      const span = (JSON.parse(reply.body.toString()) as SpanSeen[]).find((seen) => seen.path === path);
      if (span !== undefined || Date.now() > deadline) return span;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const spans = await Promise.all(targets.map(found));
  const got = Object.fromEntries(targets.map((target, i) => [target.name, spans[i]]));
  const want = Object.fromEntries(
    targets.map((target) => [target.name, { name: 'GET /users/:id', kind: 1, path, route: '/users/:id', status: 200 }]),
  );
  expect(got).toEqual(want);
});

/**
 * The cells of a README's "## Runtimes" table by column, or undefined without one.
 * A table may start with a label column and have a row per export (the adapters'
 * do): a column then says "yes" when one of its rows does.
 */
function runtimeTable(readme: string): Record<string, string> | undefined {
  const at = readme.indexOf('\n## Runtimes');
  const lines = readme.slice(at).split('\n');
  const header = lines.findIndex((line) => /^\|(?: *\|)? Node \| Bun \| Deno \| Workers \| Lambda \|$/.test(line.trim()));
  if (at === -1 || header === -1) return undefined;
  const labelled = !lines[header]!.trim().startsWith('| Node');
  const table: Record<string, string> = { Node: '', Bun: '', Deno: '', Workers: '', Lambda: '' };
  for (let n = header + 2; lines[n]?.trim().startsWith('|'); n++) {
    const cells = lines[n]!.split('|').slice(labelled ? 2 : 1, -1).map((cell) => cell.trim());
    for (const [i, column] of Object.keys(table).entries()) {
      if (table[column] === '' || cells[i]!.startsWith('yes')) table[column] = cells[i]!;
    }
  }
  return table;
}

test('each package README says "yes" for Bun, Deno and Workers exactly where the matrix runs it', () => {
  const root = path.resolve(__dirname, '..', '..');
  // The bundles each runtime runs: Bun and Deno run the Node entry (serve()) as well.
  const columns = {
    Node: ['node'],
    Bun: ['bun', 'node', 'hosts-bun'],
    Deno: ['deno', 'node', 'hosts-deno'],
    Workers: ['worker'],
  } as const;
  const got: Record<string, Record<string, boolean>> = {};
  const want: Record<string, Record<string, boolean>> = {};
  for (const name of readdirSync(path.join(root, 'packages'))) {
    const ran = Object.values(columns).some((entries) => entries.some((entry) => bundles!.packages[entry].has(name)));
    let table: Record<string, string> | undefined;
    try {
      table = runtimeTable(readFileSync(path.join(root, 'packages', name, 'README.md'), 'utf8'));
    } catch {
      table = undefined;
    }
    // A package the matrix runs must have the table; another may not have one yet.
    if (table === undefined && !ran) continue;
    got[name] = { table: table !== undefined };
    want[name] = { table: true };
    for (const [column, entries] of Object.entries(columns)) {
      const yes = table?.[column]?.startsWith('yes') ?? false;
      const proven = entries.some((entry) => bundles!.packages[entry].has(name));
      // Node is proven by each package's own tests as well: only a run must say yes there.
      got[name][column] = column === 'Node' ? yes || !proven : yes;
      want[name][column] = column === 'Node' ? true : proven;
    }
  }
  expect(got).toEqual(want);
});

describe.each(TABLE.map((row) => [row.name, row] as const))('Hono and h3 with tsgi mounted: %s', (_name, row) => {
  test('the Node suite\'s outcome on Bun and Deno, with one log line and one close()', async () => {
    const method = row.method ?? 'GET';
    const results = await acrossHosts(
      hosts,
      (target, app) => send(target.url, sentTo(app, row)),
      (lines) => lines.log.length >= 1 && lines.closed.length >= 1,
    );
    const key = (target: Target, app: HostApp): string => `${HOST_NAMES[app]} on ${target.name}`;
    const got = Object.fromEntries(
      results.map(({ target, app, reply, lines }) => {
        const expected = expectedOf(row, app, target.name);
        return [key(target, app), { ...outcomeOf(reply, expected), log: lines.log.map((line) => line.includes(logged(method, row.path, row.status))), closed: lines.closed, native: lines.ran.includes(row.path) }];
      }),
    );
    const want = Object.fromEntries(
      results.map(({ target, app }) => [key(target, app), { ...expectedOf(row, app, target.name), log: [true], closed: [row.path], native: row.native }]),
    );
    expect(got).toEqual(want);
  });
});

test('Hono and h3 with tsgi mounted: an error thrown below reaches the host\'s error handling, and is logged once', async () => {
  const results = await acrossHosts(hosts, (target, app) => send(target.url, { method: 'GET', path: `/${app}/boom` }), (lines) => lines.log.length >= 1);
  const got = results.map(({ target, app, reply, lines }) => ({
    host: `${HOST_NAMES[app]} on ${target.name}`,
    status: reply.status,
    stamped: reply.headers['x-tsgi'] === 'stamped',
    hostErrors: lines.hostErrors,
    log: lines.log.map((line) => line.includes(logged('GET', '/boom', 500))),
  }));
  // Hono answers it below and its 500 comes back up through the stack; h3 rejects next().
  const want = results.map(({ target, app }) => ({
    host: `${HOST_NAMES[app]} on ${target.name}`,
    status: 500,
    stamped: !ERRORS_PASS_THROUGH.has(HOST_NAMES[app]),
    hostErrors: ['boom below'],
    log: [true],
  }));
  expect(got).toEqual(want);
});

test('Hono and h3 with tsgi mounted: an error thrown in the tsgi middleware reaches the host\'s error handling', async () => {
  const results = await acrossHosts(hosts, (target, app) => send(target.url, { method: 'GET', path: `/${app}/tsgi/throw` }), (lines) => lines.hostErrors.length >= 1);
  const got = results.map(({ target, app, reply, lines }) => ({ host: `${HOST_NAMES[app]} on ${target.name}`, status: reply.status, hostErrors: lines.hostErrors, ran: lines.ran }));
  const want = results.map(({ target, app }) => ({ host: `${HOST_NAMES[app]} on ${target.name}`, status: 500, hostErrors: ['boom in tsgi'], ran: [] }));
  expect(got).toEqual(want);
});

test('Hono and h3 with tsgi mounted: SSE under gzip streams event by event', async () => {
  const results = await acrossHosts(
    hosts,
    (target, app) => send(target.url, { method: 'GET', path: `/${app}/sse`, headers: { 'accept-encoding': 'gzip' } }),
    (lines) => lines.log.length >= 1,
  );
  const got = results.map(({ target, app, reply }) => {
    const times = reply.eventTimes;
    return {
      host: `${HOST_NAMES[app]} on ${target.name}`,
      status: reply.status,
      encoding: reply.headers['content-encoding'],
      body: reply.body.toString(),
      // The second event comes SSE_GAP_MS after the first; held back, both would arrive together.
      apart: times.length === 2 && times[1]! - times[0]! >= SSE_GAP_MS / 4,
    };
  });
  const want = results.map(({ target, app }) => ({
    host: `${HOST_NAMES[app]} on ${target.name}`,
    status: 200,
    encoding: 'gzip',
    body: 'data: 1\n\ndata: 2\n\n',
    apart: true,
  }));
  expect(got).toEqual(want);
});

/** What a WebSocket client saw on one runtime: echoes, the close, and a refusal. */
async function websocketRun(base: string): Promise<Record<string, unknown>> {
  const url = base.replace(/^http/, 'ws');
  const ws = new WebSocket(`${url}/ws`);
  const messages: unknown[] = [];
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
  });
  if (!opened) return { opened };
  const next = (): Promise<unknown> =>
    new Promise((resolve) => ws.once('message', (data: Buffer, binary: boolean) => resolve(binary ? [...data] : data.toString())));
  ws.send('hello');
  messages.push(await next());
  ws.send(Buffer.from([0, 1, 254, 255]));
  messages.push(await next());
  const closed = new Promise<[number, string]>((resolve) => ws.once('close', (code: number, reason: Buffer) => resolve([code, reason.toString()])));
  ws.send('close');
  const close = await closed;
  const refused = await new Promise<number>((resolve) => {
    const anonymous = new WebSocket(`${url}/ws/private`);
    anonymous.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    anonymous.once('open', () => resolve(101));
    anonymous.once('error', () => resolve(-1));
  });
  return { opened, messages, close, refused };
}

test('WebSocket: text and binary echo, a close code and a 401 refusal through basicAuth, on every runtime', async () => {
  const runs = await Promise.all(targets.map((target) => websocketRun(target.url)));
  const got = Object.fromEntries(targets.map((target, i) => [target.name, runs[i]]));
  const want = Object.fromEntries(
    targets.map((target) => [target.name, { opened: true, messages: ['hello', [0, 1, 254, 255]], close: [4001, 'asked'], refused: 401 }]),
  );
  expect(got).toEqual(want);
});
