/**
 * `throwHttpErrors` means one thing in every package that answers errors by itself:
 * one table of refusals (router, urlMap, staticFiles, fileResponse, conditionalGet,
 * basicAuth, bearerAuth, gzip), each checked three ways:
 *
 * 1. answered (the default, `false`): the status and headers the package sends;
 * 2. thrown (`true`): core's `HttpError` with that status and those headers, less the
 *    two that describe the text body (Content-Type, Content-Length);
 * 3. rendered: the same app under `httpErrors()` on a real socket gives a JSON client
 *    JSON (RFC 9457 fields) with that status and those headers.
 *
 * And every factory checks the option the same way, with the same message, and every
 * place that documents it says it in the same words.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpError, type Application, type ResponseHeaders } from '@tsgi/core';
import { basicAuth, bearerAuth } from '@tsgi/auth';
import { gzip } from '@tsgi/gzip';
import { lint } from '@tsgi/lint';
import { router, urlMap } from '@tsgi/router';
import { serve } from '@tsgi/server';
import { conditionalGet, fileResponse, staticFiles } from '@tsgi/static';
import { testClient } from '@tsgi/testing';
import { httpErrors } from '../src/index.js';

const text: Application = function textApp(_environ, startResponse) {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8'], ['ETag', '"v1"']]);
  return [Buffer.from('hello '.repeat(400))];
};

const dir = mkdtempSync(join(tmpdir(), 'tsgi-throw-'));
mkdirSync(join(dir, 'empty-dir'));
writeFileSync(join(dir, 'hello.txt'), 'hello world\n');
writeFileSync(join(dir, '.env'), 'SECRET=1\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Flag = { throwHttpErrors?: boolean };

interface Case {
  /** Which package and which refusal. */
  readonly what: string;
  /** The app, built with `{ throwHttpErrors }` passed to the factory under test. */
  readonly app: (options: Flag) => Application;
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** The status every way of asking must give. */
  readonly status: number;
}

const routes = (o: Flag) => router(o).get('/users/:id', text).post('/users', text);
const files = (o: Flag, extra: Parameters<typeof staticFiles>[0] | object = {}) => staticFiles({ root: dir, ...extra, ...o });
function oneFile(name: string) {
  return (o: Flag): Application => {
    const options = { ...o }; // one object per app: fileResponse checks it once
    return (environ, startResponse) => fileResponse(join(dir, name), environ, startResponse, options);
  };
}
const basic = { Authorization: `Basic ${Buffer.from('ann:nope').toString('base64')}` };

const CASES: readonly Case[] = [
  { what: 'router: no route', app: routes, path: '/nowhere', status: 404 },
  { what: 'router: other methods (Allow)', app: routes, method: 'DELETE', path: '/users', status: 405 },
  { what: 'router: a param that is not UTF-8', app: routes, path: '/users/%FF', status: 400 },
  { what: 'urlMap: no mount', app: (o) => urlMap({ '/a': text }, o), path: '/b', status: 404 },
  { what: 'staticFiles: missing file', app: files, path: '/missing.txt', status: 404 },
  { what: 'staticFiles: bad path (a backslash)', app: files, path: '/a%5c..%5chello.txt', status: 404 },
  { what: 'staticFiles: dotfile ignored', app: files, path: '/.env', status: 404 },
  { what: 'staticFiles: dotfile denied', app: (o) => files(o, { dotfiles: 'deny' }), path: '/.env', status: 403 },
  { what: 'staticFiles: a directory without index', app: files, path: '/empty-dir/', status: 404 },
  { what: 'staticFiles: other methods (Allow)', app: files, method: 'DELETE', path: '/hello.txt', status: 405 },
  { what: 'staticFiles: If-Match fails', app: files, path: '/hello.txt', headers: { 'If-Match': '"other"' }, status: 412 },
  { what: 'staticFiles: no satisfiable range (Content-Range)', app: files, path: '/hello.txt', headers: { Range: 'bytes=999-' }, status: 416 },
  { what: 'fileResponse: missing file', app: oneFile('missing.txt'), path: '/', status: 404 },
  { what: 'fileResponse: no satisfiable range', app: oneFile('hello.txt'), path: '/', headers: { Range: 'bytes=999-' }, status: 416 },
  { what: 'conditionalGet: If-Match fails', app: (o) => conditionalGet(o)(text), path: '/', headers: { 'If-Match': '"v2"' }, status: 412 },
  { what: 'basicAuth: no credentials (WWW-Authenticate)', app: (o) => basicAuth({ users: { ann: 'pw' }, ...o })(text), path: '/', status: 401 },
  { what: 'basicAuth: wrong password', app: (o) => basicAuth({ users: { ann: 'pw' }, ...o })(text), path: '/', headers: basic, status: 401 },
  { what: 'bearerAuth: malformed', app: (o) => bearerAuth({ verify: () => true, ...o })(text), path: '/', headers: { Authorization: 'Bearer a b' }, status: 400 },
  { what: 'gzip: no acceptable coding (Vary)', app: (o) => gzip(o)(text), path: '/', headers: { 'Accept-Encoding': 'br;q=0, gzip;q=0, identity;q=0' }, status: 406 },
];

/** Headers as a comparable list: lower-case names, sorted, the body's own two left out. */
function meaningful(headers: ResponseHeaders): string[] {
  return headers
    .filter(([name]) => !/^content-(type|length)$/i.test(name))
    .map(([name, value]) => `${name.toLowerCase()}: ${value}`)
    .sort();
}

async function ask(app: Application, c: Case) {
  return testClient(app).request(c.method ?? 'GET', c.path, { headers: c.headers ?? {} });
}

describe.each(CASES)('$what', (c) => {
  test('answered by default, thrown as core HttpError with the same status and headers with throwHttpErrors: true', async () => {
    const answered = await ask(c.app({}), c);
    expect(answered.status).toBe(c.status);
    expect(meaningful(answered.headers)).toEqual(meaningful((await ask(c.app({ throwHttpErrors: false }), c)).headers));
    const thrown: unknown = await ask(c.app({ throwHttpErrors: true }), c).then(
      (res) => new Error(`answered ${res.status} instead of throwing`),
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(HttpError);
    const error = thrown as HttpError;
    expect([error.name, error.status, error.expose]).toEqual(['HttpError', c.status, true]);
    expect(meaningful(error.headers)).toEqual(meaningful(answered.headers));
  });
});

describe('under httpErrors(), on a real socket, a JSON client gets JSON', () => {
  let served: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const mounts = Object.fromEntries(CASES.map((c, i) => [`/${i}`, c.app({ throwHttpErrors: true })]));
    served = await serve(lint(httpErrors()(lint(urlMap(mounts)))), { port: 0, host: '127.0.0.1', errors: { write: () => true } });
  });
  afterAll(() => served.close());

  test.each(CASES.map((c, i) => [c.what, i, c] as const))('%s', async (_what, i, c) => {
    const thrown = (await ask(c.app({ throwHttpErrors: true }), c).catch((error: unknown) => error)) as HttpError;
    const response = await fetch(`${served.url}/${i}${c.path}`, {
      method: c.method ?? 'GET',
      headers: { Accept: 'application/json', ...c.headers },
    });
    expect([response.status, response.headers.get('content-type')]).toEqual([c.status, 'application/json']);
    expect(await response.json()).toMatchObject({ status: c.status });
    // httpErrors() may add to a list header (Vary gets Accept): the error's value is in it.
    for (const [name, value] of thrown.headers) expect([name, response.headers.get(name)]).toEqual([name, expect.stringContaining(value)]);
  });
});

test.each([
  ['router', () => router({ throwHttpErrors: 'yes' as unknown as boolean })],
  ['urlMap', () => urlMap({}, { throwHttpErrors: 'yes' as unknown as boolean })],
  ['staticFiles', () => staticFiles({ root: dir, throwHttpErrors: 'yes' as unknown as boolean })],
  ['fileResponse', () => fileResponse(join(dir, 'hello.txt'), {} as never, () => () => {}, { throwHttpErrors: 'yes' as unknown as boolean })],
  ['conditionalGet', () => conditionalGet({ throwHttpErrors: 'yes' as unknown as boolean })],
  ['basicAuth', () => basicAuth({ users: {}, throwHttpErrors: 'yes' as unknown as boolean })],
  ['bearerAuth', () => bearerAuth({ verify: () => true, throwHttpErrors: 'yes' as unknown as boolean })],
  ['gzip', () => gzip({ throwHttpErrors: 'yes' as unknown as boolean })],
])('%s checks the option the same way', async (owner, make) => {
  const message = `${owner}: throwHttpErrors must be true or false, got yes`;
  await expect((async () => make())()).rejects.toThrow(new TypeError(message));
});

// The words every TSDoc, README and the spec use for the option, wrapped or not.
const SAME_WORDS = "throw core's `HttpError` instead of answering an error itself, with the status and headers that answer would carry";
const ROOT = join(__dirname, '..', '..', '..');

test.each([
  'packages/router/src/router.ts',
  'packages/router/src/url-map.ts',
  'packages/router/README.md',
  'packages/static/src/file-options.ts',
  'packages/static/src/conditional-get.ts',
  'packages/static/README.md',
  'packages/auth/src/basic-auth.ts',
  'packages/auth/src/bearer-auth.ts',
  'packages/auth/README.md',
  'packages/gzip/src/options.ts',
  'packages/gzip/README.md',
  'docs/spec.md',
])('%s documents throwHttpErrors in the shared words', (file) => {
  const prose = readFileSync(join(ROOT, file), 'utf8')
    .replace(/\n\s*(?:\*\s|-\s)?/g, ' ') // join wrapped lines of a comment or a list item
    .replace(/ +/g, ' ');
  expect(prose.toLowerCase()).toContain(SAME_WORDS.toLowerCase());
});
