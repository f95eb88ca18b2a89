/**
 * httpErrors() on the real gateway, under lint(): each way an app can fail (sync
 * throw, rejected promise, an async body failing before and after the headers went
 * out), HttpErrors with their own headers, readBody's 413, and what a 500 hides.
 */
import { request } from 'node:http';
import { HttpError, readBody, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve } from '@tsgi/server';
import { httpErrors, MethodNotAllowed, NotFound, Unauthorized, type HttpErrorsOptions } from '../src/index.js';

interface Served {
  url: string;
  log: string[];
  close(): Promise<void>;
}

async function start(app: Application, options: HttpErrorsOptions = {}): Promise<Served> {
  const log: string[] = [];
  const served = await serve(lint(httpErrors(options)(lint(app))), { port: 0, host: '127.0.0.1', errors: { write: (text: string) => log.push(text) } });
  return { url: served.url, log, close: () => served.close() };
}

const cases: Array<[string, Application]> = [
  ['sync throw', () => {
    throw new NotFound('no user 7');
  }],
  ['rejected promise', async () => {
    await Promise.resolve();
    throw new NotFound('no user 7');
  }],
  ['error in an async body before any byte', (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain'], ['Set-Cookie', 'a=1']]);
    return (async function* () {
      yield new Uint8Array(0);
      throw new NotFound('no user 7');
    })();
  }],
  ['error in a sync body before any byte', (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (function* () {
      yield new Uint8Array(0);
      throw new NotFound('no user 7');
    })();
  }],
];

test.each(cases)('%s: a 404 with the message, the app\'s headers replaced', async (_name, app) => {
  const served = await start(app);
  try {
    const response = await fetch(`${served.url}/users/7`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toBe('404 Not Found\nno user 7\n');
    expect(served.log.join('')).toBe('');
  } finally {
    await served.close();
  }
});

test('an HttpError\'s own headers go out: Allow on a 405, WWW-Authenticate on a 401', async () => {
  const served = await start((environ) => {
    if (environ.REQUEST_METHOD === 'DELETE') throw new MethodNotAllowed(undefined, { headers: [['Allow', 'GET, HEAD']] });
    throw new Unauthorized('token expired', { headers: [['WWW-Authenticate', 'Bearer realm="api", error="invalid_token"']] });
  });
  try {
    const deleted = await fetch(`${served.url}/x`, { method: 'DELETE' });
    expect(deleted.status).toBe(405);
    expect(deleted.headers.get('allow')).toBe('GET, HEAD');
    expect(await deleted.text()).toBe('405 Method Not Allowed\n');
    const got = await fetch(`${served.url}/x`);
    expect(got.status).toBe(401);
    expect(got.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
  } finally {
    await served.close();
  }
});

test('readBody\'s 413 is a 413, not a 500', async () => {
  const served = await start(async (environ, startResponse) => {
    const body = await readBody(environ, { limit: 10 });
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [body];
  });
  try {
    const response = await fetch(`${served.url}/`, { method: 'POST', body: 'x'.repeat(100) });
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('413 Content Too Large\nrequest body of 100 bytes is over the limit of 10 bytes\n');
  } finally {
    await served.close();
  }
});

test('any other error is a 500 that shows nothing of its message, and is logged with its stack', async () => {
  const served = await start(() => {
    throw new Error('database password is hunter2');
  });
  try {
    const response = await fetch(`${served.url}/`, { headers: { Accept: 'application/problem+json' } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/' });
    const log = served.log.join('');
    expect(log).toContain('hunter2');
    expect(log).toContain('http-errors.test.ts');
  } finally {
    await served.close();
  }
});

test('an HttpError 5xx hides its message unless it sets expose: true', async () => {
  const served = await start((environ) => {
    throw new HttpError(503, 'replica lag 30s', { expose: environ.PATH_INFO === '/open', headers: [['Retry-After', '30']] });
  });
  try {
    const hidden = await fetch(`${served.url}/`);
    expect([hidden.status, hidden.headers.get('retry-after'), await hidden.text()]).toEqual([503, '30', '503 Service Unavailable\n']);
    const shown = await fetch(`${served.url}/open`);
    expect(await shown.text()).toBe('503 Service Unavailable\nreplica lag 30s\n');
  } finally {
    await served.close();
  }
});

/** A raw GET: the bytes the client got, and whether the response ended cleanly. */
function rawGet(url: string): Promise<{ status: number; body: string; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, complete: res.complete }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body, complete: false }));
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, body, complete: false }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

test.each<[string, Application]>([
  ['after a yielded chunk', (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      yield Buffer.from('first part ');
      throw new NotFound('too late for a status');
    })();
  }],
  ['after write()', (_environ, startResponse) => {
    const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
    write(Buffer.from('first part '));
    return (async function* () {
      yield new Uint8Array(0);
      throw new NotFound('too late for a status');
    })();
  }],
])('an error %s: the connection is cut and the error logged once', async (_name, app) => {
  const served = await start(app);
  try {
    const result = await rawGet(`${served.url}/`);
    expect(result.status).toBe(200);
    expect(result.body).toBe('first part ');
    expect(result.complete).toBe(false);
    // Let the gateway finish logging.
    for (let i = 0; i < 50 && served.log.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(served.log.join('').split('too late for a status').length - 1).toBe(1);
  } finally {
    await served.close();
  }
});

test('the failed body is still closed exactly once, its iterator ended', async () => {
  let closed = 0;
  let finished = 0;
  const served = await start((_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    const body = (async function* () {
      try {
        yield new Uint8Array(0);
        throw new NotFound();
      } finally {
        finished++;
      }
    })();
    return Object.assign(body, { close: () => void closed++ });
  });
  try {
    const response = await fetch(`${served.url}/`);
    expect([response.status, await response.text()]).toEqual([404, '404 Not Found\n']);
    for (let i = 0; i < 50 && closed === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect([closed, finished]).toEqual([1, 1]);
  } finally {
    await served.close();
  }
});

test('HEAD gets the status and headers of the error, no body', async () => {
  const served = await start(() => {
    throw new NotFound('nothing here');
  });
  try {
    const response = await fetch(`${served.url}/`, { method: 'HEAD' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-length')).toBe(String('404 Not Found\nnothing here\n'.length));
    expect(await response.text()).toBe('');
  } finally {
    await served.close();
  }
});

test('a renderer for one status: it gets the problem, the error and the negotiated type; others keep the default', async () => {
  const seen: string[] = [];
  const served = await start(
    (environ) => {
      throw environ.PATH_INFO === '/gone' ? new HttpError(410) : new NotFound('no page', { headers: [['X-Hint', 'try /']] });
    },
    {
      renderers: {
        404: (problem, { error, mediaType, environ }) => {
          seen.push(`${mediaType} ${(error as Error).name} ${environ.PATH_INFO}`);
          return { contentType: 'text/html; charset=utf-8', body: `<h1>${problem.title}: ${problem.detail}</h1>` };
        },
      },
    },
  );
  try {
    const missing = await fetch(`${served.url}/x`, { headers: { Accept: 'application/json' } });
    expect([missing.status, missing.headers.get('content-type'), missing.headers.get('x-hint'), await missing.text()]).toEqual([
      404, 'text/html; charset=utf-8', 'try /', '<h1>Not Found: no page</h1>',
    ]);
    expect(seen).toEqual(['application/json NotFound /x']);
    const gone = await fetch(`${served.url}/gone`);
    expect(await gone.text()).toBe('410 Gone\n');
  } finally {
    await served.close();
  }
});

describe('an error that is not an HttpError (an HTTP client\'s, an SDK\'s) with a status', () => {
  const SECRET_URL = 'https://api.upstream.example/v1/charges?api_key=sk_live_51SECRETkey';
  const SECRET_COOKIE = 'upstream_sid=UPSTREAM-COOKIE-9z8y';
  /** The shape of an HTTP client's error: the upstream's status, URL and response headers. */
  class UpstreamError extends Error {
    override name = 'UpstreamError';
    constructor(
      readonly status: number,
      readonly headers: unknown,
      readonly expose?: boolean,
    ) {
      super(`GET ${SECRET_URL} failed with ${status}`);
    }
  }
  const secrets = ['sk_live_51SECRETkey', 'api.upstream.example', 'UPSTREAM-COOKIE-9z8y'];

  async function answer(error: unknown, accept: string): Promise<{ status: number; headers: Headers; text: string }> {
    const served = await start(() => {
      throw error;
    });
    try {
      const response = await fetch(`${served.url}/pay`, { headers: { Accept: accept } });
      return { status: response.status, headers: response.headers, text: await response.text() };
    } finally {
      await served.close();
    }
  }

  test.each(['text/plain', 'application/problem+json', 'text/html'])(
    'a 4xx keeps its status, shows only the reason phrase and copies none of its headers (%s)',
    async (accept) => {
      const headers = { 'Set-Cookie': SECRET_COOKIE, 'X-Upstream-Url': SECRET_URL, 'WWW-Authenticate': 'Basic realm="upstream"' };
      const { status, headers: got, text } = await answer(new UpstreamError(401, headers), accept);
      expect(status).toBe(401);
      expect(got.get('set-cookie')).toBeNull();
      expect(got.get('x-upstream-url')).toBeNull();
      expect(got.get('www-authenticate')).toBeNull();
      const everything = text + JSON.stringify([...got]);
      for (const secret of secrets) expect(everything).not.toContain(secret);
      if (accept === 'text/plain') expect(text).toBe('401 Unauthorized\n');
      if (accept === 'application/problem+json') expect(JSON.parse(text)).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, instance: '/pay' });
    },
  );

  test('headers as [name, value] pairs are not copied either', async () => {
    const { status, headers } = await answer(new UpstreamError(429, [['Set-Cookie', SECRET_COOKIE], ['Retry-After', '5']]), 'text/plain');
    expect([status, headers.get('set-cookie'), headers.get('retry-after')]).toEqual([429, null, null]);
  });

  test('expose: true (http-errors\' 4xx) shows the message, still without the headers', async () => {
    const { status, headers, text } = await answer(new UpstreamError(404, { 'Set-Cookie': SECRET_COOKIE }, true), 'text/plain');
    expect([status, headers.get('set-cookie'), text]).toEqual([404, null, `404 Not Found\nGET ${SECRET_URL} failed with 404\n`]);
  });

  test('a 5xx never shows its message, even with expose: true', async () => {
    const { status, text } = await answer(new UpstreamError(502, { 'Set-Cookie': SECRET_COOKIE }, true), 'application/problem+json');
    expect(status).toBe(502);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toEqual({ type: 'about:blank', title: 'Bad Gateway', status: 502, instance: '/pay' });
  });
});
