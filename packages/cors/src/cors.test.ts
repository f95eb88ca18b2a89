/**
 * cors() as a table: each row a request (method, headers), the options, and the CORS
 * headers the response must have and must not have, and whether the app ran. Every
 * request goes through testClient under lint().
 */
import { getHeader, type Application, type ResponseHeaders } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { cors, type CorsOptions } from './index.js';

const APP = 'https://app.example.com';
const OTHER = 'https://other.example.com';

interface Row {
  name: string;
  options: CorsOptions;
  method?: string;
  headers?: Record<string, string>;
  /** The status and extra headers the app answers with. */
  app?: { status?: string; headers?: ResponseHeaders };
  status: number;
  /** Headers that must be present with these values (lower-case names). */
  has: Record<string, string>;
  /** Headers that must be absent. */
  lacks?: string[];
  appRan: boolean;
}

const PREFLIGHT = { Origin: APP, 'Access-Control-Request-Method': 'PUT' };
const ALL_CORS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'access-control-expose-headers',
  'access-control-allow-private-network',
];

const ROWS: Row[] = [
  {
    name: 'origin * : a simple GET gets ACAO * and no Vary',
    options: {},
    headers: { Origin: OTHER },
    status: 200,
    has: { 'access-control-allow-origin': '*' },
    lacks: ['vary', 'access-control-allow-credentials'],
    appRan: true,
  },
  {
    name: 'origin * : a request without Origin gets ACAO * too (a cache may serve it to a CORS request)',
    options: {},
    status: 200,
    has: { 'access-control-allow-origin': '*' },
    lacks: ['vary'],
    appRan: true,
  },
  {
    name: 'a listed origin is reflected, with Vary: Origin and credentials',
    options: { origin: [APP], credentials: true, exposeHeaders: ['ETag', 'X-Total-Count'] },
    headers: { Origin: APP },
    status: 200,
    has: {
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'ETag, X-Total-Count',
      vary: 'Origin',
    },
    appRan: true,
  },
  {
    name: 'an origin not listed: no CORS headers, but Vary: Origin (the decision depended on it)',
    options: { origin: [APP], credentials: true },
    headers: { Origin: OTHER },
    status: 200,
    has: { vary: 'Origin' },
    lacks: ALL_CORS,
    appRan: true,
  },
  {
    name: 'no Origin with a list: Vary: Origin only',
    options: { origin: APP },
    status: 200,
    has: { vary: 'Origin' },
    lacks: ALL_CORS,
    appRan: true,
  },
  {
    name: 'a 404 from the app still gets the headers',
    options: { origin: APP },
    headers: { Origin: APP },
    app: { status: '404 Not Found' },
    status: 404,
    has: { 'access-control-allow-origin': APP, vary: 'Origin' },
    appRan: true,
  },
  {
    name: 'a 500 from the app still gets the headers',
    options: { origin: APP },
    headers: { Origin: APP },
    app: { status: '500 Internal Server Error' },
    status: 500,
    has: { 'access-control-allow-origin': APP, vary: 'Origin' },
    appRan: true,
  },
  {
    name: "the app's Vary is kept and Origin added to it",
    options: { origin: APP },
    headers: { Origin: APP },
    app: { headers: [['Vary', 'Accept-Encoding']] },
    status: 200,
    has: { vary: 'Accept-Encoding, Origin' },
    appRan: true,
  },
  {
    name: "the app's own Access-Control-Allow-Origin is replaced, not doubled",
    options: { origin: APP },
    headers: { Origin: APP },
    app: { headers: [['Access-Control-Allow-Origin', '*'], ['access-control-allow-credentials', 'true']] },
    status: 200,
    has: { 'access-control-allow-origin': APP },
    lacks: ['access-control-allow-credentials'],
    appRan: true,
  },
  {
    name: 'preflight from an allowed origin: 204, methods, reflected request headers, max-age; the app does not run',
    options: { origin: [APP], credentials: true, maxAge: 600 },
    method: 'OPTIONS',
    headers: { ...PREFLIGHT, 'Access-Control-Request-Headers': 'content-type,x-custom' },
    status: 204,
    has: {
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
      'access-control-allow-headers': 'content-type, x-custom',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Headers',
    },
    lacks: ['content-length', 'content-type', 'access-control-allow-private-network'],
    appRan: false,
  },
  {
    name: 'preflight with allowHeaders given: that list, no Vary on the request headers',
    options: { origin: APP, allowHeaders: ['Content-Type'], methods: ['GET', 'PUT'] },
    method: 'OPTIONS',
    headers: { ...PREFLIGHT, 'Access-Control-Request-Headers': 'x-other' },
    status: 204,
    has: { 'access-control-allow-headers': 'Content-Type', 'access-control-allow-methods': 'GET, PUT', vary: 'Origin' },
    appRan: false,
  },
  {
    name: 'preflight with origin * : ACAO *, and Vary only on the reflected request headers',
    options: {},
    method: 'OPTIONS',
    headers: { ...PREFLIGHT, 'Access-Control-Request-Headers': 'x-custom' },
    status: 204,
    has: { 'access-control-allow-origin': '*', vary: 'Access-Control-Request-Headers' },
    appRan: false,
  },
  {
    name: 'preflight from an origin not allowed: a plain 204, no CORS headers (the browser blocks), not an error',
    options: { origin: [APP] },
    method: 'OPTIONS',
    headers: { ...PREFLIGHT, Origin: 'https://evil.example' },
    status: 204,
    has: { vary: 'Origin' },
    lacks: ALL_CORS,
    appRan: false,
  },
  {
    name: 'preflight with a request-headers value that is not a token list: not reflected',
    options: { origin: APP },
    method: 'OPTIONS',
    headers: { ...PREFLIGHT, 'Access-Control-Request-Headers': 'x-a, bad header' },
    status: 204,
    has: { 'access-control-allow-origin': APP },
    lacks: ['access-control-allow-headers'],
    appRan: false,
  },
  {
    name: 'OPTIONS without Access-Control-Request-Method is not a preflight: the app answers, with CORS headers',
    options: { origin: APP },
    method: 'OPTIONS',
    headers: { Origin: APP },
    status: 200,
    has: { 'access-control-allow-origin': APP },
    lacks: ['access-control-allow-methods'],
    appRan: true,
  },
  {
    name: 'OPTIONS without Origin is not a preflight either',
    options: { origin: APP },
    method: 'OPTIONS',
    headers: { 'Access-Control-Request-Method': 'PUT' },
    status: 200,
    has: { vary: 'Origin' },
    lacks: ALL_CORS,
    appRan: true,
  },
  {
    name: 'preflightContinue: the app answers the preflight and its answer gets the headers',
    options: { origin: APP, preflightContinue: true },
    method: 'OPTIONS',
    headers: PREFLIGHT,
    status: 200,
    has: { 'access-control-allow-origin': APP, 'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE' },
    appRan: true,
  },
  {
    name: 'optionsSuccessStatus 200: Content-Length: 0',
    options: { optionsSuccessStatus: 200 },
    method: 'OPTIONS',
    headers: PREFLIGHT,
    status: 200,
    has: { 'content-length': '0', 'access-control-allow-origin': '*' },
    appRan: false,
  },
  {
    name: 'Private Network Access: not granted unless asked, even when the preflight requests it',
    options: { origin: APP },
    method: 'OPTIONS',
    headers: { ...PREFLIGHT, 'Access-Control-Request-Private-Network': 'true' },
    status: 204,
    has: { 'access-control-allow-origin': APP },
    lacks: ['access-control-allow-private-network'],
    appRan: false,
  },
  {
    name: 'Private Network Access: privateNetwork: true grants it to an allowed origin',
    options: { origin: APP, privateNetwork: true },
    method: 'OPTIONS',
    headers: { ...PREFLIGHT, 'Access-Control-Request-Private-Network': 'true' },
    status: 204,
    has: { 'access-control-allow-private-network': 'true' },
    appRan: false,
  },
  {
    name: 'Private Network Access: never to an origin not allowed',
    options: { origin: APP, privateNetwork: true },
    method: 'OPTIONS',
    headers: { ...PREFLIGHT, Origin: OTHER, 'Access-Control-Request-Private-Network': 'true' },
    status: 204,
    has: {},
    lacks: ALL_CORS,
    appRan: false,
  },
  {
    name: "'null' is refused unless listed",
    options: { origin: [APP, /^https:\/\/[a-z]+\.example\.com$/] },
    headers: { Origin: 'null' },
    status: 200,
    has: { vary: 'Origin' },
    lacks: ['access-control-allow-origin'],
    appRan: true,
  },
  {
    name: "'null' listed explicitly is allowed",
    options: { origin: ['null'] },
    headers: { Origin: 'null' },
    status: 200,
    has: { 'access-control-allow-origin': 'null' },
    appRan: true,
  },
  {
    name: 'a RegExp entry reflects what it matches',
    options: { origin: [/^https:\/\/[a-z]+\.example\.com$/] },
    headers: { Origin: OTHER },
    status: 200,
    has: { 'access-control-allow-origin': OTHER },
    appRan: true,
  },
  {
    name: 'a predicate decides',
    options: { origin: (origin) => origin.endsWith('.example.com') && origin.startsWith('https://') },
    headers: { Origin: OTHER },
    status: 200,
    has: { 'access-control-allow-origin': OTHER, vary: 'Origin' },
    appRan: true,
  },
  {
    name: 'two Origin values joined by a proxy match nothing',
    options: { origin: [APP, OTHER] },
    headers: { Origin: `${APP}, ${OTHER}` },
    status: 200,
    has: { vary: 'Origin' },
    lacks: ['access-control-allow-origin'],
    appRan: true,
  },
];

describe.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
  test('headers, status, and whether the app ran', async () => {
    let ran = false;
    const app: Application = (_environ, startResponse) => {
      ran = true;
      startResponse(row.app?.status ?? '200 OK', [['Content-Type', 'text/plain'], ...(row.app?.headers ?? [])]);
      return [new TextEncoder().encode('body')];
    };
    const res = await testClient(cors(row.options)(app)).request(row.method ?? 'GET', '/', { headers: row.headers ?? {} });
    expect(res.status).toBe(row.status);
    for (const [name, value] of Object.entries(row.has)) expect([name, res.header(name)]).toEqual([name, value]);
    for (const name of row.lacks ?? []) expect([name, res.header(name)]).toEqual([name, undefined]);
    // Never two of a CORS header, whatever the app sent.
    for (const name of ALL_CORS) expect(res.headerValues(name).length).toBeLessThanOrEqual(1);
    expect(ran).toBe(row.appRan);
  });
});

test("the app's header list and its pairs are not edited (an app may reuse one constant list)", async () => {
  const headers: ResponseHeaders = Object.freeze([
    Object.freeze(['Content-Type', 'text/plain']) as [string, string],
    Object.freeze(['Vary', 'Accept-Encoding']) as [string, string],
  ]) as ResponseHeaders;
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', headers);
    return [];
  };
  const client = testClient(cors({ origin: APP })(app));
  for (let i = 0; i < 3; i++) {
    const res = await client.get('/', { headers: { Origin: APP } });
    expect(res.header('vary')).toBe('Accept-Encoding, Origin');
  }
  expect(headers).toEqual([['Content-Type', 'text/plain'], ['Vary', 'Accept-Encoding']]);
});

test('an array body is handed up as the same object', async () => {
  const body = [new TextEncoder().encode('x')];
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return body;
  };
  const returned = cors()(app)(
    { REQUEST_METHOD: 'GET', HTTP_ORIGIN: APP } as never,
    () => () => undefined,
  );
  expect(returned).toBe(body);
});

test('a lazy generator app that starts from its first iteration gets the headers', async () => {
  const app: Application = (_environ, startResponse) =>
    (function* lazy() {
      startResponse('201 Created', [['Content-Type', 'text/plain']]);
      yield new TextEncoder().encode('made');
    })();
  const res = await testClient(cors({ origin: APP })(app)).post('/', { headers: { Origin: APP } });
  expect(res.status).toBe(201);
  expect(res.header('access-control-allow-origin')).toBe(APP);
});

test('an error page sent with excInfo gets the headers too', async () => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], new Error('late failure'));
    return [new TextEncoder().encode('error')];
  };
  const res = await testClient(cors({ origin: APP })(app)).get('/', { headers: { Origin: APP } });
  expect(res.status).toBe(500);
  expect(getHeader(res.headers, 'access-control-allow-origin')).toBe(APP);
});

test('a predicate that returns a Promise is refused with a message saying so (500), not taken as yes', async () => {
  const predicate = (async () => true) as unknown as (origin: string) => boolean;
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [];
  };
  const error = await testClient(cors({ origin: predicate })(app))
    .get('/', { headers: { Origin: APP } })
    .catch((e: unknown) => e);
  expect(String(error)).toMatch(/must return true or false synchronously, got a Promise/);
});

describe('answers kept per allowed origin', () => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [];
  };

  test('each origin gets its own answer, however often the others asked', async () => {
    const client = testClient(cors({ origin: [APP, OTHER], credentials: true })(app));
    for (const origin of [APP, OTHER, APP, OTHER, 'https://evil.example', APP]) {
      const res = await client.get('/', { headers: { Origin: origin } });
      expect(res.header('access-control-allow-origin')).toBe(origin === 'https://evil.example' ? undefined : origin);
      expect(res.header('vary')).toBe('Origin');
    }
  });

  test('a predicate is asked on every request (it sees the environ, so its verdict is never kept)', async () => {
    const asked: string[] = [];
    const predicate = (_origin: string, environ: { PATH_INFO?: string }): boolean => {
      asked.push(environ.PATH_INFO ?? '');
      return environ.PATH_INFO !== '/closed';
    };
    const client = testClient(cors({ origin: predicate })(app));
    expect((await client.get('/open', { headers: { Origin: APP } })).header('access-control-allow-origin')).toBe(APP);
    expect((await client.get('/closed', { headers: { Origin: APP } })).header('access-control-allow-origin')).toBeUndefined();
    expect((await client.get('/open', { headers: { Origin: APP } })).header('access-control-allow-origin')).toBe(APP);
    expect(asked).toEqual(['/open', '/closed', '/open']);
  });

  test('the app sees a new header list each time; its own constant list is never changed', async () => {
    const constant: ResponseHeaders = [['Content-Type', 'text/plain']];
    const seen: ResponseHeaders[] = [];
    const constantApp: Application = (_environ, startResponse) => {
      startResponse('200 OK', constant);
      return [];
    };
    const wrapped = cors({ origin: APP })(constantApp);
    for (let i = 0; i < 3; i++) void wrapped({ REQUEST_METHOD: 'GET', HTTP_ORIGIN: APP } as never, (_status, headers) => (seen.push(headers), () => undefined));
    expect(constant).toEqual([['Content-Type', 'text/plain']]);
    expect(new Set(seen).size).toBe(3);
    for (const headers of seen) expect(headers).toEqual([['Content-Type', 'text/plain'], ['Access-Control-Allow-Origin', APP], ['Vary', 'Origin']]);
  });
});
