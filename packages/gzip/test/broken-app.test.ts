/**
 * A broken app behind gzip() (and behind the access log over gzip) gets the gateway's
 * own words in wsgi.errors and a 500, never a TypeError from inside a wrapper such as
 * `Cannot read properties of undefined (reading 'then')` or a NaN `RangeError`.
 * Real gateway (serve() on 127.0.0.1), the stack under lint().
 */
import type { Application, Body, Middleware } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { accessLog } from '@tsgi/logger';
import { serve, type Served } from '@tsgi/server';
import { gzip } from '../src/index.js';

const TEXT: [string, string] = ['Content-Type', 'text/plain'];
const BIG = 'x'.repeat(4000);

/** Each broken app, and the words the gateway's check uses for it. */
const BROKEN: Array<[string, Application, string]> = [
  ['returns undefined', (_e, sr) => (sr('200 OK', [TEXT]), undefined as unknown as Body), 'the app must return an iterable of Uint8Array, got undefined'],
  ['resolves to undefined', async (_e, sr) => (sr('200 OK', [TEXT]), undefined as unknown as Body), 'the app must return an iterable of Uint8Array, got undefined'],
  ['returns null before startResponse', () => null as unknown as Body, 'the app must return an iterable of Uint8Array, got null'],
  ['returns a string', (_e, sr) => (sr('200 OK', [TEXT]), BIG as unknown as Body), 'the app must return an iterable of Uint8Array, got a string'],
  ['returns an array holding a string', (_e, sr) => (sr('200 OK', [TEXT]), [BIG] as unknown as Body), 'body chunks must be Uint8Array, got a string'],
  [
    'yields a string from an async generator',
    (_e, sr) =>
      (async function* () {
        sr('200 OK', [TEXT]);
        yield BIG as unknown as Uint8Array;
      })(),
    'body chunks must be Uint8Array, got a string',
  ],
];

const STACKS: Array<[string, () => Middleware]> = [
  ['gzip()', () => gzip()],
  ['accessLog() over gzip()', () => (app) => accessLog({ format: 'common', stream: { write: () => true } })(gzip()(app))],
];

describe.each(STACKS)('a broken app behind %s', (_name, stack) => {
  let served: Served;
  let log: string[];
  let current: Application;

  beforeAll(async () => {
    log = [];
    const app = lint(stack()((environ, startResponse) => current(environ, startResponse)));
    served = await serve(app, { port: 0, host: '127.0.0.1', errors: { write: (text: string) => void log.push(text) } });
  });
  afterAll(() => served.close());

  it.each(BROKEN)('%s: 500, and wsgi.errors says so in the gateway words', async (_what, broken, words) => {
    current = broken;
    log.length = 0;
    const res = await fetch(served.url + '/', { headers: { 'Accept-Encoding': 'gzip' }, signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(500);
    await res.arrayBuffer();
    const errors = log.join('');
    expect(errors).toContain(words);
    expect(errors).not.toMatch(/Cannot read properties|Cannot use 'in' operator|RangeError|is not a function/);
  });
});
