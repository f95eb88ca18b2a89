/**
 * The response conformance table (scripts/conformance/response-rows.ts: good and
 * broken apps, and what `serve()`, `toFetch()` and `testClient()` give for each) run
 * through every adapter host: each row's app is the answer of a tsgi middleware mounted
 * by the host's adapter in a real app on 127.0.0.1, read with node:http. Each host must
 * give what the server gives: the same status and bytes, or the same cut, and
 * `close()` called as often. Two differences are by design: an error before the head
 * is the host's to answer (its error handling: Express's `next(err)`, Koa's
 * `ctx.onerror`, ...), so there the row asks only for a 500, not core's 500 text; and a
 * fetch host cannot cut a connection before a Response exists (toFetch rejects, as a
 * fetch handler must), so for Hono and h3 a ConnectionAbort before the head is their 500.
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 */
import { request as httpRequest } from 'node:http';
import type { Application, Middleware } from '@tsgi/core';
import { ERROR, ROWS } from '../../../scripts/conformance/response-rows.js';
import { HOSTS, newProbe, type Host, type Probe } from './hosts.js';

/** The hosts whose adapter runs `toFetch`: no cut before a Response exists. */
const FETCH_HOSTS = new Set(['Hono', 'h3']);

/** `"<code> <body>"` as the client read it, or `"cut"` when the response broke. */
function outcome(url: string, method: string): Promise<string> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(`${res.statusCode ?? 0} ${Buffer.concat(chunks).toString()}`));
      res.on('error', () => resolve('cut'));
      res.on('aborted', () => resolve('cut'));
    });
    req.setTimeout(3000, () => req.destroy(new Error(`no answer from ${method} ${url} in 3 s`)));
    req.on('error', () => resolve('cut'));
    req.end();
  });
}

/** Waits (bounded) until close() was called `expected` times, and a little past it. */
async function settled(count: () => number, expected: number): Promise<number> {
  for (let i = 0; i < 100 && count() < expected; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 20));
  return count();
}

describe.each(Object.keys(HOSTS))('%s', (hostName) => {
  let host: Host;
  let probe: Probe;
  let served: Application = () => [];
  // A middleware that answers with the row's app, never calling the host's stack below.
  const answering: Middleware = () => (environ, startResponse) => served(environ, startResponse);

  beforeAll(async () => {
    probe = newProbe();
    // unlinted: the table's broken apps must reach the adapter as they are (lint() would stop them first).
    host = await HOSTS[hostName]!([{ at: '', middleware: answering }], probe);
  });
  afterAll(async () => {
    probe.releaseSse();
    await host.close();
  });

  test.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    let closes = 0;
    served = row.app(() => void closes++);
    const got = await outcome(host.url + '/', row.method ?? 'GET');
    const hostAnswers = row.outcome === ERROR || (FETCH_HOSTS.has(hostName) && row.name === 'a ConnectionAbort before the headers');
    if (hostAnswers) expect(got).toMatch(/^500 /);
    else expect(got).toBe(row.outcome);
    expect(await settled(() => closes, row.closes)).toBe(row.closes);
    expect(probe.ran).toEqual([]);
  });
});
