/**
 * One case per rule: each builds the smallest server or app that breaks it and
 * expects a LintError carrying that rule id. The table is typed
 * `Record<RuleId, ...>`, so adding a rule without a case here does not compile.
 */
import { type Application, type Body, type Environ, type InputStream, type StartResponse, type Write } from '@tsgi/core';
import { WebSocketUpgrade } from '@tsgi/core/gateway';
import { LintError, RULE_IDS, lint, type RuleId } from '@tsgi/lint';
import { BodyInputStream, createEnviron, testClient } from '@tsgi/testing';

const bytes = (s: string) => new TextEncoder().encode(s);

const ok: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [bytes('ok')];
};

/** A gateway-built environ with some keys replaced (undefined deletes). */
function env(overrides: Record<string, unknown> = {}, method = 'GET'): Environ {
  const { environ } = createEnviron(method, '/', {});
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete environ[key];
    else environ[key] = value;
  }
  return environ;
}

/** What a sloppy server passes: a startResponse that accepts anything. */
const laxStart: StartResponse = () => () => {};

/** Calls a linted app as a server would, with `environ` (sync throws become rejections). */
async function serverCall(environ: unknown, app: Application = ok, start: StartResponse = laxStart): Promise<Body> {
  return lint(app)(environ as Environ, start);
}

/** Drives a linted body to the end without closing it. */
async function drain(body: Body): Promise<void> {
  for await (const _chunk of body as AsyncIterable<Uint8Array>) void _chunk;
}

function app(fn: (environ: Environ, start: StartResponse) => Body | Promise<Body>): Application {
  return fn;
}

/** A wsgi.input whose every read gives a string. */
const stringInput = {
  read: async () => 'text',
  readline: async () => 'text',
  readlines: async () => ['text'],
  async *[Symbol.asyncIterator]() {
    yield 'text';
  },
} as unknown as InputStream;

const CASES: Record<RuleId, () => Promise<unknown>> = {
  'environ.type': () => serverCall(new Map()),
  'environ.required-key': () => serverCall(env({ REQUEST_METHOD: '' })),
  'environ.cgi-string': () => serverCall(env({ SERVER_PORT: 80 })),
  'environ.native-string': () => {
    // A middleware that sets REMOTE_USER to text: the lint layer below it catches it.
    const setsText: Application = (environ, start) => lint(ok)({ ...environ, REMOTE_USER: '李' }, start);
    return serverCall(env(), setsText);
  },
  'environ.content-length': () => serverCall(env({ CONTENT_LENGTH: '-1' })),
  'environ.http-content': () => serverCall(env({ HTTP_CONTENT_TYPE: 'text/plain' })),
  'environ.wsgi-version': () => serverCall(env({ 'wsgi.version': [1, 1] })),
  'environ.url-scheme': () => serverCall(env({ 'wsgi.url_scheme': 'HTTP' })),
  'environ.input': () => serverCall(env({ 'wsgi.input': {} })),
  'environ.errors': () => serverCall(env({ 'wsgi.errors': console })),
  'environ.wsgi-flags': () => serverCall(env({ 'wsgi.run_once': 'false' })),
  'environ.path-info': () => serverCall(env({ PATH_INFO: 'foo' })),
  'environ.script-name': () => serverCall(env({ SCRIPT_NAME: '/' })),
  'environ.request-method': () => serverCall(env({ REQUEST_METHOD: 'GET /' })),
  'environ.server-port': () => serverCall(env({ SERVER_PORT: 'http' })),
  'environ.server-protocol': () => serverCall(env({ SERVER_PROTOCOL: '1.1' })),
  'environ.route': () => {
    // A router that publishes the path instead of its template: found once it returns.
    const badRouter: Application = (environ, start) => {
      environ['tsgi.route'] = 'users/:id';
      return ok(environ, start);
    };
    return serverCall(env(), badRouter);
  },
  'environ.trace': () => serverCall(env({ 'tsgi.trace': { traceId: '0'.repeat(32), spanId: '00f067aa0ba902b7' } })),
  'environ.request-id': () => serverCall(env({ 'tsgi.request_id': 'has space' })),
  'environ.request': () => serverCall(env({ 'tsgi.request': 'GET /' })),
  'environ.csp-nonce': () => serverCall(env({ 'tsgi.csp_nonce': 'abc' })),
  'environ.csrf-token': () => serverCall(env({ 'tsgi.csrf_token': '' })),
  'environ.rate-limit': () => serverCall(env({ 'tsgi.rate_limit': { limit: 10, remaining: -1, allowed: true } })),
  'environ.timeout': () => serverCall(env({ 'tsgi.timeout': 5000 })),
  'environ.server-timing': () => serverCall(env({ 'tsgi.server_timing': 'app;dur=1' })),
  'environ.session': () => serverCall(env({ 'tsgi.session': { user: 'alice' } })),
  'input.read-args': () =>
    testClient(
      app(async (environ, start) => {
        await environ['wsgi.input'].read(-1);
        start('200 OK', []);
        return [];
      }),
    ).post('/', { body: 'abc' }),
  'input.chunk-type': () =>
    testClient(
      app(async (environ, start) => {
        await environ['wsgi.input'].read();
        start('200 OK', []);
        return [];
      }),
      { environ: { 'wsgi.input': stringInput } },
    ).get('/'),
  'input.past-end': () =>
    testClient(
      app(async (environ, start) => {
        await environ['wsgi.input'].read();
        start('200 OK', []);
        return [];
      }),
      // A server that forgot to stop at CONTENT_LENGTH.
      { environ: { CONTENT_LENGTH: '5', 'wsgi.input': new BodyInputStream([bytes('0123456789')]) } },
    ).post('/'),
  'input.after-close': async () => {
    let input: InputStream | undefined;
    const keeps = app((environ, start) => {
      input = environ['wsgi.input'];
      start('200 OK', []);
      return [];
    });
    await (await serverCall(env(), keeps)).close!();
    await input!.read();
  },
  'errors.write-type': () =>
    testClient(
      app((environ, start) => {
        environ['wsgi.errors'].write(bytes('oops') as unknown as string);
        start('200 OK', []);
        return [];
      }),
    ).get('/'),
  'start-response.callable': () => serverCall(env(), ok, (() => undefined) as unknown as StartResponse),
  'start-response.twice': () =>
    testClient(
      app((_e, start) => {
        start('200 OK', []);
        start('404 Not Found', []);
        return [];
      }),
    ).get('/'),
  'start-response.exc-info': async () => {
    const late = app((_e, start) =>
      (function* () {
        start('200 OK', []);
        yield bytes('partial');
        start('500 Internal Server Error', [], new Error('boom'));
      })(),
    );
    // laxStart forgets to rethrow excInfo once headers went out.
    await drain(await serverCall(env(), late));
  },
  'start-response.exc-info-type': () =>
    testClient(
      app((_e, start) => {
        start('500 Internal Server Error', [], 'it failed');
        return [];
      }),
    ).get('/'),
  'start-response.late': () =>
    testClient(
      app((_e, start) =>
        (async function* () {
          yield bytes('early');
          start('200 OK', []);
        })(),
      ),
    ).get('/'),
  'start-response.missing': () => testClient(app(() => [])).get('/'),
  'status.format': () =>
    testClient(
      app((_e, start) => {
        start('200', []);
        return [];
      }),
    ).get('/'),
  'headers.format': () =>
    testClient(
      app((_e, start) => {
        start('200 OK', [['X-Note', 'a\r\nSet-Cookie: x=1']]);
        return [];
      }),
    ).get('/'),
  'headers.hop-by-hop': () =>
    testClient(
      app((_e, start) => {
        start('200 OK', [['Transfer-Encoding', 'chunked']]);
        return [];
      }),
    ).get('/'),
  'headers.status': () =>
    testClient(
      app((_e, start) => {
        start('200 OK', [['Status', '404']]);
        return [];
      }),
    ).get('/'),
  'headers.content-length': () =>
    testClient(
      app((_e, start) => {
        start('200 OK', [['Content-Length', '1e3']]);
        return [];
      }),
    ).get('/'),
  'headers.no-content': () =>
    testClient(
      app((_e, start) => {
        start('204 No Content', [['Content-Type', 'text/plain']]);
        return [];
      }),
    ).get('/'),
  'body.type': () =>
    testClient(
      app((_e, start) => {
        start('200 OK', []);
        return 'hello' as unknown as Body;
      }),
    ).get('/'),
  'body.chunk-type': () =>
    testClient(
      app((_e, start) => {
        start('200 OK', []);
        return ['hello'] as unknown as Body;
      }),
    ).get('/'),
  'body.content-length': () =>
    testClient(
      app((_e, start) => {
        start('200 OK', [['Content-Length', '3']]);
        return [bytes('hello')];
      }),
    ).get('/'),
  'body.no-content': () =>
    testClient(
      app((_e, start) => {
        start('204 No Content', []);
        return [bytes('x')];
      }),
    ).get('/'),
  'body.block-boundaries': () => {
    // A middleware that collects the whole body below it before answering.
    const streamed = lint(
      app((_e, start) => {
        start('200 OK', []);
        return (async function* () {
          yield bytes('a');
          yield bytes('b');
        })();
      }),
    );
    const collecting: Application = async (environ, start) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of (await streamed(environ, start)) as AsyncIterable<Uint8Array>) chunks.push(chunk);
      return chunks;
    };
    return testClient(collecting).get('/');
  },
  'body.iterated-twice': async () => {
    const generated = app((_e, start) =>
      (function* () {
        start('200 OK', []);
        yield bytes('x');
      })(),
    );
    const body = await serverCall(env(), generated);
    await drain(body);
    await drain(body);
  },
  'body.close-once': async () => {
    const body = await serverCall(env());
    await body.close!();
    await body.close!();
  },
  'body.close-missing': () =>
    new Promise((resolve, reject) => {
      const stream = app((_e, start) =>
        (function* () {
          start('200 OK', []);
          yield bytes('x');
        })(),
      );
      const linted = lint(stream, { closeTimeout: 5, onLateError: reject });
      void drain(linted(env(), laxStart) as Body).then(() => setTimeout(resolve, 200));
    }),
  'write.type': () =>
    testClient(
      app((_e, start) => {
        start('200 OK', [])('text' as unknown as Uint8Array);
        return [];
      }),
    ).get('/'),
  'write.in-body': () =>
    testClient(
      app((_e, start) => {
        const write = start('200 OK', []);
        return (function* () {
          yield bytes('a');
          write(bytes('b'));
          yield bytes('c');
        })();
      }),
    ).get('/'),
  'write.late': async () => {
    let write: Write | undefined;
    const stash = app((_e, start) => {
      write = start('200 OK', []);
      return [];
    });
    await (await serverCall(env(), stash)).close!();
    write!(bytes('too late'));
  },
  'websocket.offer': () => serverCall(env({ 'tsgi.websocket': new WebSocketUpgrade([]) }, 'POST')),
  'websocket.accept': () =>
    testClient(
      app((environ, start) => {
        environ['tsgi.websocket']!.accept({}, { protocol: 'not-offered' });
        start('101 Switching Protocols', []);
        return [];
      }),
    ).websocket('/'),
  'websocket.handlers': () =>
    testClient(
      app((environ, start) => {
        environ['tsgi.websocket']!.accept({ message: 'echo' } as never);
        start('101 Switching Protocols', []);
        return [];
      }),
    ).websocket('/'),
  'websocket.status': () =>
    testClient(
      app((_environ, start) => {
        start('101 Switching Protocols', []);
        return [];
      }),
    ).websocket('/'),
};

test.each(RULE_IDS)('%s fires', async (rule) => {
  const error = await CASES[rule]().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LintError);
  expect((error as LintError).rule).toBe(rule);
  // The message names the rule, what was seen, the fix and the sentence it keeps.
  expect((error as LintError).message).toMatch(new RegExp(`^\\[${rule.replace('.', '\\.')}\\] .+\\. Fix: .+\\(.+: ".+"\\)$`, 's'));
});
