import { decodeNative, type Application, type Environ, type StartResponse } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { basicAuth } from './basic-auth.js';
import { primitives } from './compare.js';

const b64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');
const basic = (user: string, password: string) => ({ Authorization: `Basic ${b64(`${user}:${password}`)}` });
const CHALLENGE = 'Basic realm="Restricted", charset="UTF-8"';

/** Echoes what the auth layer handed down, so tests see the inner app's environ. */
function whoami(): Application & { calls: number } {
  const app = function whoamiApp(environ: Environ, startResponse: StartResponse) {
    app.calls++;
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    const seen = {
      REMOTE_USER: environ.REMOTE_USER ?? null,
      AUTH_TYPE: environ.AUTH_TYPE ?? null,
      auth: environ['tsgi.auth'] ?? null,
      error: environ['tsgi.auth_error'] ?? null,
    };
    return [Buffer.from(JSON.stringify(seen))];
  } as unknown as Application & { calls: number };
  app.calls = 0;
  return app;
}

describe('basicAuth with a users table', () => {
  const inner = whoami();
  const client = testClient(basicAuth({ users: { alice: 's3cret', foo: 'pass:word', 'zoë': 'пароль✓' } })(inner));

  it('lets the right credentials through with REMOTE_USER, AUTH_TYPE and tsgi.auth', async () => {
    const res = await client.get('/', { headers: basic('alice', 's3cret') });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ REMOTE_USER: 'alice', AUTH_TYPE: 'Basic', auth: 'alice', error: null });
  });

  it('accepts the scheme name in any case and several spaces after it', async () => {
    for (const scheme of ['basic', 'BASIC', 'bAsIc']) {
      const res = await client.get('/', { headers: { Authorization: `${scheme}   ${b64('alice:s3cret')}` } });
      expect(res.status).toBe(200);
    }
  });

  it('splits at the first colon: foo:pass:word is user foo, password pass:word', async () => {
    const res = await client.get('/', { headers: basic('foo', 'pass:word') });
    expect(res.status).toBe(200);
    expect(res.json<{ REMOTE_USER: string }>().REMOTE_USER).toBe('foo');
    expect((await client.get('/', { headers: basic('foo', 'pass') })).status).toBe(401);
  });

  it('decodes UTF-8 credentials and refuses the same name in latin-1', async () => {
    const res = await client.get('/', { headers: basic('zoë', 'пароль✓') });
    expect(res.status).toBe(200);
    // REMOTE_USER is native (the UTF-8 bytes, one char each); tsgi.auth keeps the text.
    expect(res.json<{ REMOTE_USER: string }>().REMOTE_USER).toBe('zo\u00c3\u00ab');
    expect(decodeNative(res.json<{ REMOTE_USER: string }>().REMOTE_USER)).toBe('zoë');
    expect(res.json<{ auth: string }>().auth).toBe('zoë');
    const latin1 = Buffer.from('zo\xeb:x', 'latin1');
    const refused = await client.get('/', { headers: { Authorization: `Basic ${b64(latin1)}` } });
    expect(refused.status).toBe(401);
    expect(refused.environ['tsgi.auth_error']).toBe('bad_utf8');
  });

  it.each([
    ['no Authorization header', {}, 'missing_credentials'],
    ['an empty Authorization header', { Authorization: '' }, 'missing_credentials'],
    ['another scheme', { Authorization: 'Bearer abc' }, 'unsupported_scheme'],
    ['the scheme alone', { Authorization: 'Basic' }, 'missing_colon'],
    ['bad base64', { Authorization: 'Basic %%%%' }, 'bad_base64'],
    ['unpadded base64', { Authorization: `Basic ${b64('foo:pass:word').replace(/=+$/, '')}` }, 'bad_base64'],
    ['no colon', { Authorization: `Basic ${b64('alice')}` }, 'missing_colon'],
    ['a control character', { Authorization: `Basic ${b64('alice:s3\x00cret')}` }, 'control_characters'],
    ['a wrong password', basic('alice', 'wrong'), 'invalid_credentials'],
    ['a prefix of the password', basic('alice', 's3cre'), 'invalid_credentials'],
    ['an unknown user', basic('mallory', 's3cret'), 'invalid_credentials'],
    ['an empty user', basic('', 's3cret'), 'invalid_credentials'],
  ])('answers %s with a 401 challenge, never reaching the app', async (_, headers, reason) => {
    const before = inner.calls;
    const res = await client.get('/', { headers });
    expect(res.status).toBe(401);
    expect(res.header('www-authenticate')).toBe(CHALLENGE);
    expect(res.header('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.text).toMatch(/^(Authentication required|Invalid credentials)[^\n]*\n$/);
    expect(res.environ['tsgi.auth_error']).toBe(reason);
    expect(inner.calls).toBe(before);
  });

  it('refuses a HEAD request the same way, under lint', async () => {
    const res = await client.head('/');
    expect(res.status).toBe(401);
    expect(res.header('www-authenticate')).toBe(CHALLENGE);
    expect(res.body.byteLength).toBe(0);
  });

  it('never takes REMOTE_USER from a client-sent Remote-User header', async () => {
    const refused = await client.get('/', { headers: { 'Remote-User': 'alice' } });
    expect(refused.status).toBe(401);
    const res = await client.get('/', { headers: { ...basic('foo', 'pass:word'), 'Remote-User': 'alice' } });
    expect(res.json<{ REMOTE_USER: string }>().REMOTE_USER).toBe('foo');
  });

  it('overwrites a REMOTE_USER already in environ on success and removes it on failure', async () => {
    const planted = { REMOTE_USER: 'admin', AUTH_TYPE: 'Negotiate', 'tsgi.auth': { admin: true } };
    const ok = await client.get('/', { headers: basic('alice', 's3cret'), environ: planted });
    expect(ok.json()).toEqual({ REMOTE_USER: 'alice', AUTH_TYPE: 'Basic', auth: 'alice', error: null });
    const seen: unknown[] = [];
    const guarded = testClient(
      basicAuth({
        users: { alice: 's3cret' },
        onUnauthorized: (environ, startResponse) => {
          seen.push([environ.REMOTE_USER, environ.AUTH_TYPE, environ['tsgi.auth'], environ['tsgi.auth_error']]);
          startResponse('401 Unauthorized', [['Content-Type', 'text/plain']]);
          return [Buffer.from('no')];
        },
      })(inner),
    );
    const refused = await guarded.get('/', { headers: basic('alice', 'nope'), environ: planted });
    expect(refused.status).toBe(401);
    expect(seen).toEqual([[undefined, undefined, undefined, 'invalid_credentials']]);
  });

  it('does the same comparison work for a right, wrong, unknown or very long password', async () => {
    const equal = jest.spyOn(primitives, 'equal');
    try {
      const requests: Array<[Record<string, string>, number]> = [
        [basic('alice', 's3cret'), 200],
        [basic('alice', 'wrong'), 401],
        [basic('nobody', 's3cret'), 401],
        [basic('alice', 'x'.repeat(8000)), 401],
        [basic('', ''), 401],
      ];
      for (const [headers, status] of requests) {
        equal.mockClear();
        expect((await client.get('/', { headers })).status).toBe(status);
        // One comparison of the table's width (64 bytes here), whatever was sent.
        expect(equal.mock.calls.map(([a, b]) => [a.byteLength, b.byteLength])).toEqual([[64, 64]]);
      }
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('returns the inner body untouched, an array staying the same array', async () => {
    const body = [Buffer.from('hi')];
    const app = basicAuth({ users: { alice: 's3cret' } })((_environ, startResponse) => {
      startResponse('200 OK', []);
      return body;
    });
    const environ = { HTTP_AUTHORIZATION: basic('alice', 's3cret').Authorization } as unknown as Environ;
    expect(await app(environ, () => () => {})).toBe(body);
  });
});

describe('basicAuth with verify', () => {
  it('passes user, password and environ, and puts the result under tsgi.auth', async () => {
    const calls: unknown[] = [];
    const client = testClient(
      basicAuth({
        realm: 'Zone "51"',
        verify: (user, password, environ) => {
          calls.push([user, password, environ.PATH_INFO]);
          return password === 'pw' ? { user, roles: ['admin'] } : null;
        },
      })(whoami()),
    );
    const res = await client.get('/x', { headers: basic('', 'pw') });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ REMOTE_USER: '', AUTH_TYPE: 'Basic', auth: { user: '', roles: ['admin'] }, error: null });
    const refused = await client.get('/x', { headers: basic('bob', 'no') });
    expect(refused.status).toBe(401);
    expect(refused.header('www-authenticate')).toBe('Basic realm="Zone \\"51\\"", charset="UTF-8"');
    expect(calls).toEqual([['', 'pw', '/x'], ['bob', 'no', '/x']]);
  });

  it('awaits an async verify', async () => {
    const client = testClient(basicAuth({ verify: async (user) => user === 'alice' && { id: 7 } })(whoami()));
    expect((await client.get('/', { headers: basic('alice', 'x') })).json()).toMatchObject({ auth: { id: 7 } });
    expect((await client.get('/', { headers: basic('bob', 'x') })).status).toBe(401);
  });

  it('lets a throwing verify, sync or async, propagate instead of refusing', async () => {
    const boom = new Error('identity store down');
    const sync = testClient(basicAuth({ verify: () => { throw boom; } })(whoami()));
    await expect(sync.get('/', { headers: basic('a', 'b') })).rejects.toThrow('identity store down');
    const async = testClient(basicAuth({ verify: async () => { throw boom; } })(whoami()), { catchErrors: true });
    expect((await async.get('/', { headers: basic('a', 'b') })).status).toBe(500);
  });

  it('adds the challenge to a 401 from onUnauthorized that lacks one, and keeps its own', async () => {
    const respond = (headers: Array<[string, string]>, status = '401 Unauthorized'): Application =>
      (environ, startResponse) => {
        startResponse(status, [...headers, ['X-Reason', String(environ['tsgi.auth_error'])]]);
        return [];
      };
    const plain = testClient(basicAuth({ users: { a: 'b' }, onUnauthorized: respond([]) })(whoami()));
    let res = await plain.get('/');
    expect(res.header('www-authenticate')).toBe(CHALLENGE);
    expect(res.header('x-reason')).toBe('missing_credentials');
    const own = testClient(basicAuth({ users: { a: 'b' }, onUnauthorized: respond([['WWW-Authenticate', 'Basic realm="own"']]) })(whoami()));
    res = await own.get('/');
    expect(res.headerValues('www-authenticate')).toEqual(['Basic realm="own"']);
    const redirect = testClient(basicAuth({ users: { a: 'b' }, onUnauthorized: respond([['Location', '/login']], '303 See Other') })(whoami()));
    res = await redirect.get('/');
    expect(res.status).toBe(303);
    expect(res.header('www-authenticate')).toBeUndefined();
  });
});

describe('basicAuth options', () => {
  it('throws a TypeError naming the option', () => {
    expect(() => basicAuth()).toThrow(/basicAuth: users .* or verify .* is required/);
    expect(() => basicAuth({ users: {}, verify: () => true })).toThrow(/either users or verify/);
    expect(() => basicAuth({ verify: 'yes' as never })).toThrow(/basicAuth: verify must be a function/);
    expect(() => basicAuth({ users: { a: 'b' }, realm: 'x\r\ny' })).toThrow(/basicAuth: realm/);
    expect(() => basicAuth({ users: { 'a:b': 'c' } })).toThrow(/basicAuth: users/);
    expect(() => basicAuth({ users: { a: 'b' }, onUnauthorized: 1 as never })).toThrow(/basicAuth: onUnauthorized/);
    expect(() => basicAuth(null as never)).toThrow(/basicAuth: options/);
    expect(() => basicAuth({ users: { a: 'b' } })(undefined as never)).toThrow(/basicAuth: the application/);
  });

  it('names its functions for stack traces', () => {
    const middleware = basicAuth({ users: { a: 'b' } });
    expect(middleware.name).toBe('basicAuthMiddleware');
    expect(middleware(whoami()).name).toBe('basicAuthApp');
  });
});
