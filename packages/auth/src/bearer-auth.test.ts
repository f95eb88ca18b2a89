import type { Application, Environ, StartResponse } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { bearerAuth, defaultRemoteUser } from './bearer-auth.js';

const TOKENS: Record<string, { sub: string; scope: string }> = {
  'mF_9.B5f-4.1JqM': { sub: 'alice', scope: 'read' },
  'abc+/==': { sub: 'bob', scope: 'write' },
};
const verify = (token: string) => TOKENS[token];

function whoamiApp(environ: Environ, startResponse: StartResponse) {
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  const seen = { REMOTE_USER: environ.REMOTE_USER ?? null, AUTH_TYPE: environ.AUTH_TYPE ?? null, auth: environ['tsgi.auth'] ?? null };
  return [Buffer.from(JSON.stringify(seen))];
}

describe('bearerAuth', () => {
  const client = testClient(bearerAuth({ realm: 'api', verify })(whoamiApp));

  it('lets a good token through with REMOTE_USER from sub, AUTH_TYPE and the claims', async () => {
    const res = await client.get('/', { headers: { Authorization: 'Bearer mF_9.B5f-4.1JqM' } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ REMOTE_USER: 'alice', AUTH_TYPE: 'Bearer', auth: { sub: 'alice', scope: 'read' } });
  });

  it('accepts the scheme name in any case', async () => {
    const res = await client.get('/', { headers: { Authorization: 'bearer abc+/==' } });
    expect(res.json<{ REMOTE_USER: string }>().REMOTE_USER).toBe('bob');
  });

  it('answers a missing token with a 401 challenge without an error code', async () => {
    for (const headers of [{}, { Authorization: 'Basic YTpi' }, { 'Remote-User': 'alice' }] as Array<Record<string, string>>) {
      const res = await client.get('/', { headers });
      expect(res.status).toBe(401);
      expect(res.headerValues('www-authenticate')).toEqual(['Bearer realm="api"']);
      expect(res.text).toMatch(/^Authentication required/);
    }
  });

  it('answers a wrong token with 401 error="invalid_token"', async () => {
    const res = await client.get('/', { headers: { Authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
    expect(res.header('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
    expect(res.environ['tsgi.auth_error']).toBe('invalid_token');
  });

  it.each(['Bearer', 'Bearer a b', 'Bearer a,b', 'Bearer "abc"', 'Bearer =abc', 'Bearer abc=def'])(
    'answers the malformed header %j with 400 error="invalid_request"',
    async (authorization) => {
      const res = await client.get('/', { headers: { Authorization: authorization } });
      expect(res.status).toBe(400);
      expect(res.header('www-authenticate')).toBe('Bearer realm="api", error="invalid_request"');
      expect(res.text).toMatch(/^Malformed/);
    },
  );

  it('ignores ?access_token unless allowQueryToken is set', async () => {
    const res = await client.get('/?access_token=mF_9.B5f-4.1JqM');
    expect(res.status).toBe(401);
    expect(res.environ['tsgi.auth_error']).toBe('missing_credentials');
    const withHeader = await client.get('/?access_token=junk%20junk', { headers: { Authorization: 'Bearer abc+/==' } });
    expect(withHeader.status).toBe(200);
  });

  it('reads ?access_token when allowed, and refuses a token sent two ways', async () => {
    const query = testClient(bearerAuth({ verify, allowQueryToken: true })(whoamiApp));
    expect((await query.get('/', { query: { access_token: 'abc+/==' } })).json()).toMatchObject({ REMOTE_USER: 'bob' });
    expect((await query.get('/?access_token=nope')).status).toBe(401);
    const twice = await query.get('/?access_token=abc%2B%2F%3D%3D', { headers: { Authorization: 'Bearer abc+/==' } });
    expect(twice.status).toBe(400);
    expect(twice.header('www-authenticate')).toBe('Bearer realm="Restricted", error="invalid_request"');
    expect((await query.get('/?access_token=a&access_token=b')).status).toBe(400);
  });

  it('removes an identity planted in environ when it refuses', async () => {
    const seen: unknown[] = [];
    const guarded = testClient(
      bearerAuth({
        verify,
        onUnauthorized: (environ, startResponse) => {
          seen.push([environ.REMOTE_USER, environ.AUTH_TYPE, environ['tsgi.auth_error']]);
          startResponse('401 Unauthorized', []);
          return [];
        },
      })(whoamiApp),
    );
    const res = await guarded.get('/', { headers: { Authorization: 'Bearer x' }, environ: { REMOTE_USER: 'root', AUTH_TYPE: 'Basic' } });
    expect(res.header('www-authenticate')).toBe('Bearer realm="Restricted", error="invalid_token"');
    expect(seen).toEqual([[undefined, undefined, 'invalid_token']]);
  });

  it('awaits an async verify and uses remoteUser when given', async () => {
    const async = testClient(
      bearerAuth({
        verify: async (token, environ) => token === 't0k' && { uid: 42, path: environ.PATH_INFO },
        remoteUser: (result) => `user-${(result as { uid: number }).uid}`,
      })(whoamiApp),
    );
    const res = await async.get('/p', { headers: { Authorization: 'Bearer t0k' } });
    expect(res.json()).toEqual({ REMOTE_USER: 'user-42', AUTH_TYPE: 'Bearer', auth: { uid: 42, path: '/p' } });
    expect((await async.get('/p', { headers: { Authorization: 'Bearer other' } })).status).toBe(401);
  });

  it('sets REMOTE_USER to a string even when verify returns true', async () => {
    const simple = testClient(bearerAuth({ verify: (token) => token === 'secret' })(whoamiApp));
    expect((await simple.get('/', { headers: { Authorization: 'Bearer secret' } })).json()).toEqual({
      REMOTE_USER: '',
      AUTH_TYPE: 'Bearer',
      auth: true,
    });
  });

  it('lets a throwing verify propagate (the gateway answers 500)', async () => {
    const failing = testClient(bearerAuth({ verify: async () => Promise.reject(new Error('jwks fetch failed')) })(whoamiApp));
    await expect(failing.get('/', { headers: { Authorization: 'Bearer x' } })).rejects.toThrow('jwks fetch failed');
  });

  it('refuses a remoteUser that returns a non-string', async () => {
    const bad = testClient(bearerAuth({ verify, remoteUser: () => 42 as never })(whoamiApp));
    await expect(bad.get('/', { headers: { Authorization: 'Bearer abc+/==' } })).rejects.toThrow(/remoteUser must return a string/);
  });

  it('returns the inner body untouched', async () => {
    const body = [Buffer.from('x')];
    const inner: Application = (_environ, startResponse) => {
      startResponse('200 OK', []);
      return body;
    };
    const environ = { HTTP_AUTHORIZATION: 'Bearer abc+/==', QUERY_STRING: '' } as unknown as Environ;
    expect(await bearerAuth({ verify })(inner)(environ, () => () => {})).toBe(body);
  });
});

describe('defaultRemoteUser', () => {
  it('takes a string, or sub, user or username, else empty', () => {
    expect(defaultRemoteUser('carol')).toBe('carol');
    expect(defaultRemoteUser({ sub: 's', user: 'u' })).toBe('s');
    expect(defaultRemoteUser({ user: 'u' })).toBe('u');
    expect(defaultRemoteUser({ username: 'n' })).toBe('n');
    expect(defaultRemoteUser({ sub: 1 })).toBe('');
    expect(defaultRemoteUser(true)).toBe('');
  });
});

describe('bearerAuth options', () => {
  it('throws a TypeError naming the option', () => {
    expect(() => bearerAuth(undefined as never)).toThrow(/bearerAuth: options/);
    expect(() => bearerAuth({} as never)).toThrow(/bearerAuth: verify must be a function/);
    expect(() => bearerAuth({ verify, realm: 'a\nb' })).toThrow(/bearerAuth: realm/);
    expect(() => bearerAuth({ verify, allowQueryToken: 'yes' as never })).toThrow(/bearerAuth: allowQueryToken/);
    expect(() => bearerAuth({ verify, remoteUser: 'sub' as never })).toThrow(/bearerAuth: remoteUser/);
    expect(() => bearerAuth({ verify, onUnauthorized: {} as never })).toThrow(/bearerAuth: onUnauthorized/);
  });

  it('names its functions for stack traces', () => {
    const middleware = bearerAuth({ verify });
    expect(middleware.name).toBe('bearerAuthMiddleware');
    expect(middleware(whoamiApp).name).toBe('bearerAuthApp');
  });
});
