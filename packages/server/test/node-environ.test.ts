import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Application, Environ } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { environJson, jsonOf, rawRequest, startServer, type TestServer } from './helpers.js';

let server: TestServer;
let calls = 0;
const echoEnviron: Application = (environ, startResponse) => {
  calls++;
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [environJson(environ)];
};

beforeAll(async () => {
  server = await startServer(lint(echoEnviron));
});
afterAll(() => server.close());

async function environFor(request: string): Promise<Environ> {
  // Connection: close lets the raw client stop at the server's FIN, not an idle timer.
  return jsonOf<Environ>(await rawRequest(server.port, request.replace('\r\n', '\r\nConnection: close\r\n')));
}

test('PATH_INFO is percent-decoded into one char per byte (latin-1); QUERY_STRING stays raw', async () => {
  const environ = await environFor('GET /caf%E4/%C3%A4/a%2Fb%zz?q=%20x+y&r HTTP/1.1\r\nHost: h\r\n\r\n');
  expect(environ.PATH_INFO).toBe('/caf\xe4/\xc3\xa4/a/b%zz');
  expect(environ.QUERY_STRING).toBe('q=%20x+y&r');
  expect(environ.SCRIPT_NAME).toBe('');
  expect(environ.REQUEST_METHOD).toBe('GET');
});

test('CONTENT_TYPE and CONTENT_LENGTH carry no HTTP_ prefix and have no HTTP_ twin', async () => {
  const environ = await environFor(
    'POST /x HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc',
  );
  expect(environ.CONTENT_TYPE).toBe('text/plain');
  expect(environ.CONTENT_LENGTH).toBe('3');
  expect(environ).not.toHaveProperty('HTTP_CONTENT_TYPE');
  expect(environ).not.toHaveProperty('HTTP_CONTENT_LENGTH');
});

test('repeated headers are joined with ", ", cookies with "; "', async () => {
  const environ = await environFor(
    'GET / HTTP/1.1\r\nHost: h\r\nAccept: a/b\r\nX-Many: 1\r\nCookie: a=1\r\nx-many: 2\r\nCookie: b=2\r\n\r\n',
  );
  expect(environ.HTTP_X_MANY).toBe('1, 2');
  expect(environ.HTTP_COOKIE).toBe('a=1; b=2');
  expect(environ.HTTP_ACCEPT).toBe('a/b');
  expect(environ.HTTP_HOST).toBe('h');
});

test('repeats are joined past the first 31 header keys the gateway has seen (those have no bit of their own)', async () => {
  // 40 names never sent before, each twice: the later ones are checked by a look-up.
  const names = Array.from({ length: 40 }, (_, i) => `X-Past-Bits-${i}`);
  const lines = names.map((name) => `${name}: a\r\n${name.toLowerCase()}: b\r\n`).join('');
  const environ = await environFor(`GET / HTTP/1.1\r\nHost: h\r\n${lines}\r\n`);
  for (let i = 0; i < 40; i++) expect(environ[`HTTP_X_PAST_BITS_${i}`]).toBe('a, b');
});

test('header names with an underscore are dropped, so Content_Length cannot shadow CONTENT_LENGTH', async () => {
  const environ = await environFor(
    'POST / HTTP/1.1\r\nHost: h\r\nContent_Length: 99\r\nX_Forwarded_For: 6.6.6.6\r\nX-Forwarded-For: 1.2.3.4\r\nContent-Length: 2\r\n\r\nok',
  );
  expect(environ.CONTENT_LENGTH).toBe('2');
  expect(environ.HTTP_X_FORWARDED_FOR).toBe('1.2.3.4');
  expect(Object.keys(environ).filter((key) => key.includes('FORWARDED'))).toEqual(['HTTP_X_FORWARDED_FOR']);
});

test('an absolute-form target gives the path alone as PATH_INFO', async () => {
  const environ = await environFor('GET http://example.test:8080/p/%41?q=1 HTTP/1.1\r\nHost: example.test\r\n\r\n');
  expect(environ.PATH_INFO).toBe('/p/A');
  expect(environ.QUERY_STRING).toBe('q=1');
  const bare = await environFor('GET http://example.test?x HTTP/1.1\r\nHost: example.test\r\n\r\n');
  expect(bare.PATH_INFO).toBe('/');
  expect(bare.QUERY_STRING).toBe('x');
});

test('a duplicate Host header is answered 400 and the app is not called', async () => {
  const before = calls;
  const result = await rawRequest(server.port, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
  expect(result.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  expect(result.text).toMatch(/\r\nConnection: close\r\n/i);
  expect(result.closed).toBe(true);
  expect(calls).toBe(before);
});

test('server, client and wsgi.* keys', async () => {
  const environ = await environFor('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
  expect(environ).toMatchObject({
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: String(server.port),
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.multithread': false,
    'wsgi.multiprocess': false,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
  });
  expect(Number(environ.REMOTE_PORT)).toBeGreaterThan(0);
  const http10 = await environFor('GET / HTTP/1.0\r\n\r\n');
  expect(http10.SERVER_PROTOCOL).toBe('HTTP/1.0');
});

test('wsgi.errors, wsgi.input and wsgi.file_wrapper are present', async () => {
  let seen: Environ | undefined;
  const probe = await startServer(lint((environ, startResponse) => {
    seen = environ;
    startResponse('204 No Content', []);
    return [];
  }));
  try {
    await fetch(probe.url);
    expect(typeof seen!['wsgi.errors'].write).toBe('function');
    expect(typeof seen!['wsgi.errors'].writelines).toBe('function');
    expect(typeof seen!['wsgi.errors'].flush).toBe('function');
    expect(typeof seen!['wsgi.input'].read).toBe('function');
    expect(typeof seen!['wsgi.file_wrapper']).toBe('function');
  } finally {
    await probe.close();
  }
});

test('serverName, serverPort and urlScheme options override the socket', async () => {
  const fixed = await startServer(lint(echoEnviron), { serverName: 'example.com', serverPort: 443, urlScheme: 'https' });
  try {
    const environ = jsonOf<Environ>(await rawRequest(fixed.port, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'));
    expect(environ).toMatchObject({ SERVER_NAME: 'example.com', SERVER_PORT: '443', 'wsgi.url_scheme': 'https' });
  } finally {
    await fixed.close();
  }
});

test('one keep-alive connection: each request gets its own values, a changed list of names its own keys, a repeat still joined or refused', async () => {
  // The same names twice (the second built by the connection's compiled shape), then
  // fewer names, then a repeat (the general path), then a repeated Host (refused).
  const requests = [
    'GET /one HTTP/1.1\r\nHost: h1\r\nAccept: a/1\r\nX-Id: 1\r\n\r\n',
    'GET /two HTTP/1.1\r\nHost: h2\r\nAccept: a/2\r\nX-Id: 2\r\n\r\n',
    'GET /three HTTP/1.1\r\nHost: h3\r\nX-Id: 3\r\n\r\n',
    'GET /four HTTP/1.1\r\nHost: h4\r\nX-Id: 4\r\nx-id: 5\r\n\r\n',
    'GET /five HTTP/1.1\r\nHost: h5\r\nHost: h6\r\n\r\n',
  ];
  const result = await rawRequest(server.port, requests.join(''), 2000);
  const bodies = result.text.split(/HTTP\/1\.1 /).slice(1);
  expect(bodies.map((answer) => answer.slice(0, 3))).toEqual(['200', '200', '200', '200', '400']);
  const environs = bodies.slice(0, 4).map((answer) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Environ);
  expect(environs.map((e) => [e.PATH_INFO, e.HTTP_HOST, e.HTTP_ACCEPT, e.HTTP_X_ID])).toEqual([
    ['/one', 'h1', 'a/1', '1'],
    ['/two', 'h2', 'a/2', '2'],
    ['/three', 'h3', undefined, '3'],
    ['/four', 'h4', undefined, '4, 5'],
  ]);
  expect(Object.keys(environs[2]!)).not.toContain('HTTP_ACCEPT');
});

test('without code generation from strings the environ is built key by key, the same', () => {
  const out = execFileSync(
    process.execPath,
    ['--disallow-code-generation-from-strings', '--import', 'tsx', join(__dirname, 'fixtures', 'environ-no-codegen.ts')],
    { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8', timeout: 60_000 },
  );
  expect(out.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
    ['a', '*/*', 21],
    ['b', '*/*', 21],
  ]);
}, 90_000);
