/**
 * showExceptions() under httpErrors() on the real gateway, under lint(): the page in
 * each negotiated form, with the cause chain, this file's source lines, a TypeScript
 * frame read back through a source map, a bearer token and a cookie that never show,
 * 4xx HttpErrors left to httpErrors(), and the refusal under NODE_ENV=production.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve } from '@tsgi/server';
import ts from 'typescript';
import { httpErrors, NotFound, showExceptions, type ExceptionReport } from '../src/index.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.sig-9f8e7d';
const COOKIE = 'sid=cookie-value-5a4b3c; theme=solarized-dark';
const SECRETS = [TOKEN, 'c2VjcmV0LXBheWxvYWQ', 'cookie-value-5a4b3c', 'solarized-dark', 'query-secret-77'];

let dir: string;
let compiled: { explode(user: { id: number }): never };

beforeAll(() => {
  // A real compiled TypeScript module with a .map beside it, loaded from outside the repo.
  dir = mkdtempSync(join(tmpdir(), 'tsgi-show-exceptions-'));
  const source = 'interface User {\n  id: number;\n}\n\nexport function explode(user: User): never {\n  const why: string = `user ${user.id} is broken`;\n  throw new Error(why);\n}\n';
  writeFileSync(join(dir, 'model.ts'), source);
  const out = ts.transpileModule(source, { fileName: 'model.ts', compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true } });
  writeFileSync(join(dir, 'model.js'), out.outputText);
  writeFileSync(join(dir, 'model.js.map'), out.sourceMapText!);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  compiled = require(join(dir, 'model.js')) as typeof compiled;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loadUser(id: number): never {
  try {
    compiled.explode({ id });
  } catch (cause) {
    throw new Error(`could not load user ${id}`, { cause });
  }
}

const app: Application = (environ) => {
  if (environ.PATH_INFO === '/missing') throw new NotFound('no such page');
  if (environ.PATH_INFO === '/async') {
    return (async function* () {
      yield new Uint8Array(0);
      throw new RangeError('async body failed');
    })();
  }
  return loadUser(7);
};

async function withServer(stack: Application, run: (url: string, log: string[]) => Promise<void>): Promise<void> {
  const log: string[] = [];
  const served = await serve(lint(stack), { port: 0, host: '127.0.0.1', errors: { write: (text: string) => log.push(text) } });
  try {
    await run(served.url, log);
  } finally {
    await served.close();
  }
}

const stack = (): Application => compose(httpErrors(), showExceptions({ context: 2 }))(lint(app));
const secretHeaders = { Authorization: `Bearer ${TOKEN}`, Cookie: COOKIE };

test('JSON: the error, its cause from the compiled TypeScript module, masked environ, no secret anywhere', async () => {
  await withServer(stack(), async (url) => {
    const response = await fetch(`${url}/users/7?page=2&access_token=query-secret-77`, { headers: { ...secretHeaders, Accept: 'application/json' } });
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const report = JSON.parse(text) as ExceptionReport;
    expect(report.request).toBe('GET /users/7?page=2&access_token=[masked] HTTP/1.1');
    expect(report.errors.map((error) => `${error.name}: ${error.message}`)).toEqual(['Error: could not load user 7', 'Error: user 7 is broken']);
    // The outer error's first frame is loadUser in this file, with its source lines.
    const own = report.errors[0]!.frames[0]!;
    expect(own.function).toBe('loadUser');
    expect(own.source).toMatchObject({ file: __filename, app: true });
    expect(own.source!.lines!.find((line) => line.number === own.source!.line)!.text).toContain('throw new Error(`could not load user');
    // The cause's first frame is the TypeScript line, not the compiled JavaScript one.
    const model = report.errors[1]!.frames[0]!.source!;
    expect(model).toMatchObject({ file: join(dir, 'model.ts'), line: 7, app: true });
    expect(model.lines!.map((line) => line.text)).toContain('  throw new Error(why);');
    const environ = Object.fromEntries(report.environ);
    expect(environ).toMatchObject({ HTTP_AUTHORIZATION: '[masked]', HTTP_COOKIE: 'sid=[masked]; theme=[masked]', PATH_INFO: '/users/7' });
  });
});

test('HTML for a browser, text for curl; both without the secrets; the error logged once', async () => {
  await withServer(stack(), async (url, log) => {
    const html = await fetch(`${url}/users/7`, { headers: { ...secretHeaders, Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*';/);
    const page = await html.text();
    expect(page).toContain('Caused by <span class="name">Error</span>: user 7 is broken');
    expect(page).toContain(`${join(dir, 'model.ts')}:7:`);
    expect(page).not.toMatch(/<script|<link|<img|src=/i);
    const text = await (await fetch(`${url}/users/7`, { headers: secretHeaders })).text();
    expect(text).toContain('GET /users/7 HTTP/1.1\n');
    expect(text).toContain('Caused by Error: user 7 is broken');
    expect(text).toContain('throw new Error(why);');
    for (const secret of SECRETS) {
      expect(page).not.toContain(secret);
      expect(text).not.toContain(secret);
    }
    // Two requests, each logged once.
    expect(log.join('').split('could not load user 7').length - 1).toBe(2);
  });
});

test('an error from a streaming body is shown too; a 4xx HttpError is left to httpErrors()', async () => {
  await withServer(stack(), async (url) => {
    const streamed = await fetch(`${url}/async`);
    expect(streamed.status).toBe(500);
    expect(await streamed.text()).toMatch(/^500 Internal Server Error\nGET \/async HTTP\/1\.1\n\nRangeError: async body failed\n/);
    const missing = await fetch(`${url}/missing`);
    expect([missing.status, await missing.text()]).toEqual([404, '404 Not Found\nno such page\n']);
  });
});

test('an error that is not an HttpError does not set its headers on the page (an upstream\'s Set-Cookie)', async () => {
  const upstream = Object.assign(new Error('upstream refused'), { status: 502, headers: { 'Set-Cookie': 'up=UPSTREAM-COOKIE' } });
  await withServer(compose(httpErrors(), showExceptions({ context: 0 }))(lint(() => {
    throw upstream;
  })), async (url) => {
    const response = await fetch(`${url}/`);
    expect([response.status, response.headers.get('set-cookie')]).toEqual([502, null]);
    expect(await response.text()).toContain('Error: upstream refused');
  });
});

describe('NODE_ENV=production', () => {
  const saved = process.env.NODE_ENV;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    process.env.NODE_ENV = 'production';
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    process.env.NODE_ENV = saved;
    warn.mockRestore();
  });

  test('refuses: says so at start-up and the error reaches httpErrors() as a bare 500', async () => {
    const refused = compose(httpErrors(), showExceptions())(lint(app));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/NODE_ENV is "production", so the exception page is off.*force: true/);
    await withServer(refused, async (url) => {
      const response = await fetch(`${url}/users/7`, { headers: { ...secretHeaders, Accept: 'application/json' } });
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('{"type":"about:blank","title":"Internal Server Error","status":500,"instance":"/users/7"}\n');
    });
  });

  test('force: true shows the page and warns that it does', async () => {
    const forced = compose(httpErrors(), showExceptions({ force: true }))(lint(app));
    expect(warn.mock.calls[0]![0]).toMatch(/forced on with NODE_ENV=production/);
    await withServer(forced, async (url) => {
      const response = await fetch(`${url}/users/7`);
      expect(await response.text()).toContain('Caused by Error: user 7 is broken');
    });
  });
});

test('bad options throw a TypeError naming the option', () => {
  expect(() => showExceptions({ context: -1 })).toThrow(/context must be an integer >= 0, got -1/);
  expect(() => showExceptions({ secrets: 'token' as unknown as RegExp })).toThrow(/secrets must be a RegExp, got token/);
  expect(() => httpErrors({ renderers: { 200: () => ({ contentType: 'x', body: '' }) } })).toThrow(/renderers keys must be statuses from 400 to 599, got "200"/);
});
