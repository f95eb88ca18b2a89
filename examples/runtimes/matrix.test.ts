/**
 * The runtime matrix: the app module of app.ts served by `serve()` on Node, by
 * `Bun.serve`, by `Deno.serve` and by workerd (through miniflare) with and without
 * `nodejs_compat`, and one table of requests (table.ts) sent to each over a real
 * socket. Every target must give the same statuses, the same headers that matter and
 * bodies that decode to the same bytes; streamed events must arrive one by one; and
 * each runtime's access log must have its lines. Nothing is skipped: a runtime that
 * does not start fails the test.
 */
import { EVENT_COUNT, EVENT_GAP_MS } from './app.js';
import { send } from './client.js';
import { outcome, ROWS } from './table.js';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startAll, type Bundles, type Target } from './targets.js';

jest.setTimeout(60_000);

let targets: Target[] = [];
let bundles: Bundles | undefined;
let stopAll: () => Promise<void> = async () => {};

beforeAll(async () => {
  ({ targets, bundles, stopAll } = await startAll());
});

afterAll(async () => {
  await stopAll();
});

test('every runtime starts', () => {
  expect(targets.map((target) => target.name)).toEqual(['node', 'bun', 'deno', 'bun+serve', 'deno+serve', 'workerd', 'workerd+nodejs_compat']);
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

/** The cells of a README's "## Runtimes" table row, by column, or undefined without one. */
function runtimeTable(readme: string): Record<string, string> | undefined {
  const lines = readme.slice(readme.indexOf('\n## Runtimes')).split('\n');
  const header = lines.findIndex((line) => /^\| Node \| Bun \| Deno \| Workers \| Lambda \|$/.test(line.trim()));
  if (readme.indexOf('\n## Runtimes') === -1 || header === -1) return undefined;
  const cells = lines[header + 2]!.split('|').slice(1, -1).map((cell) => cell.trim());
  return { Node: cells[0]!, Bun: cells[1]!, Deno: cells[2]!, Workers: cells[3]!, Lambda: cells[4]! };
}

test('each package README says "yes" for Bun, Deno and Workers exactly where the matrix runs it', () => {
  const root = path.resolve(__dirname, '..', '..');
  // The bundles each runtime runs: Bun and Deno run the Node entry (serve()) as well.
  const columns = { Node: ['node'], Bun: ['bun', 'node'], Deno: ['deno', 'node'], Workers: ['worker'] } as const;
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
