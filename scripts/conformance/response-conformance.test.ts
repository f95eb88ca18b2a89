/**
 * One table of apps, good and broken (response-rows.ts), run through the three
 * outputs of core's response protocol: `serve()` over a real socket on 127.0.0.1 (read
 * with fetch), `toFetch()` and `testClient()` (the adapter hosts run the same table in
 * packages/adapters/test/broken-apps.test.ts). Each row must give the same outcome everywhere: the same status
 * and body bytes, or the same break (status out, then the response cut), and `close()`
 * called the same number of times. With `lint()` around the app a broken row fails
 * with the rule id the row names; a good row passes unchanged.
 *
 * It lives here, not under one package: it imports every output, and core (whose
 * `ResponseDriver` they all run) depends on none of them.
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 */
import type { Application } from '@tsgi/core';
import { toFetch } from '@tsgi/fetch';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { testClient } from '@tsgi/testing';
import { ROWS } from './response-rows.js';

/** What a fetch Response came to: `"<code> <body>"`, or `"cut"` when its body broke. */
async function outcomeOf(response: Response): Promise<string> {
  try {
    return `${response.status} ${Buffer.from(await response.arrayBuffer()).toString()}`;
  } catch {
    return 'cut';
  }
}

/** Waits (bounded) until close() was called `expected` times, and a little past it. */
async function settled(count: () => number, expected: number): Promise<number> {
  for (let i = 0; i < 100 && count() < expected; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 20));
  return count();
}

type Runner = (app: Application, method: string) => Promise<string>;

let server: Served;
let served: Application = () => [];

beforeAll(async () => {
  // unlinted: the table's broken apps must reach each output as they are; a separate block runs the table under lint().
  server = await serve((environ, start) => served(environ, start), { port: 0, host: '127.0.0.1', errors: { write: () => undefined } });
});
afterAll(() => server.close());

const RUNNERS: Record<string, Runner> = {
  'serve()': async (app, method) => {
    served = app;
    let response: Response;
    try {
      response = await fetch(server.url, { method });
    } catch {
      // Cut before any status line.
      return 'cut';
    }
    return outcomeOf(response);
  },
  'toFetch()': async (app, method) => {
    let response: Response;
    try {
      // unlinted: as for serve() above, the outputs are compared on the apps as written.
      response = await toFetch(app, { errors: () => undefined })(new Request('http://localhost/', { method }));
    } catch {
      // Before a Response exists a fetch handler drops the exchange by rejecting.
      return 'cut';
    }
    return outcomeOf(response);
  },
  'testClient()': async (app, method) => {
    try {
      const response = await testClient(app, { lint: false, catchErrors: true }).request(method, '/');
      return `${response.status} ${response.text}`;
    } catch {
      return 'cut';
    }
  },
};

describe.each(Object.keys(RUNNERS))('%s', (output) => {
  test.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    let closes = 0;
    const outcome = await RUNNERS[output]!(row.app(() => void closes++), row.method ?? 'GET');
    expect(outcome).toBe(row.outcome);
    expect(await settled(() => closes, row.closes)).toBe(row.closes);
  });
});

describe('lint() on the same table', () => {
  test.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const app = lint(row.app(() => undefined), { closeTimeout: Infinity });
    const request = testClient(app, { lint: false, catchErrors: true }).request(row.method ?? 'GET', '/');
    if (row.rule === undefined) {
      const outcome = await request.then(
        (response) => `${response.status} ${response.text}`,
        () => 'cut',
      );
      expect(outcome).toBe(row.outcome);
    } else {
      await expect(request).rejects.toMatchObject({ name: 'LintError', rule: row.rule });
    }
  });
});
