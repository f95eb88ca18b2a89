/**
 * basicAuth and bearerAuth on a real node:http server on 127.0.0.1: what a client
 * gets over the wire, and that a verify that throws gives a 500, not a hang.
 */
import { request } from 'node:http';
import { decodeNative, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve } from '@tsgi/server';
import { basicAuth, bearerAuth } from '@tsgi/auth';

type Served = Awaited<ReturnType<typeof serve>>;

const hello: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from(`hello ${decodeNative(environ.REMOTE_USER ?? '')} via ${environ.AUTH_TYPE}`)];
};

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** GET with a header fetch would refuse or rewrite (e.g. a raw Authorization value). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, timeout: 3000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('over a real socket', () => {
  let served: Served;
  let failing: Served;
  let logged = '';

  beforeAll(async () => {
    const users = { alice: 's3cret', 'zoë': 'пароль:✓' };
    const site: Application = (environ, startResponse) =>
      environ.PATH_INFO.startsWith('/api')
        ? api(environ, startResponse)
        : admin(environ, startResponse);
    // lint on both sides of auth: the layer under it checks that REMOTE_USER is a
    // native string (environ.native-string) for the non-ASCII user too.
    const admin = basicAuth({ realm: 'Admin', users })(lint(hello));
    const api = bearerAuth({ verify: async (token) => (token === 'good-token' ? { sub: 'svc' } : null) })(lint(hello));
    served = await serve(lint(site), { host: '127.0.0.1', port: 0 });
    const rejecting = basicAuth({ verify: async () => Promise.reject(new Error('identity store down')) })(hello);
    const throwing = bearerAuth({
      verify: () => {
        throw new Error('token store down');
      },
    })(hello);
    failing = await serve(
      lint((environ, startResponse) =>
        environ.PATH_INFO === '/sync' ? throwing(environ, startResponse) : rejecting(environ, startResponse),
      ),
      { host: '127.0.0.1', port: 0, errors: { write: (text: string) => (logged += text) } },
    );
  });

  afterAll(async () => {
    await served?.close();
    await failing?.close();
  });

  it('lets Basic credentials through and sets REMOTE_USER and AUTH_TYPE', async () => {
    const res = await fetch(served.url, { headers: { Authorization: basic('alice', 's3cret') } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello alice via Basic');
  });

  it('decodes UTF-8 credentials with a colon in the password, and a lowercase scheme', async () => {
    const res = await rawGet(served.url, { Authorization: basic('zoë', 'пароль:✓').replace('Basic', 'basic') });
    expect(res.status).toBe(200);
    expect(res.text).toBe('hello zoë via Basic');
  });

  it('sends a 401 with the challenge for missing, wrong or malformed credentials', async () => {
    for (const authorization of [undefined, basic('alice', 'nope'), 'Basic !!!!', 'Basic', 'Digest x=1']) {
      const res = await rawGet(served.url, authorization === undefined ? {} : { Authorization: authorization });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="Admin", charset="UTF-8"');
      expect(res.text).not.toContain('hello');
    }
  });

  it('ignores a Remote-User header from the client', async () => {
    const res = await rawGet(served.url, { 'Remote-User': 'alice' });
    expect(res.status).toBe(401);
  });

  it('checks bearer tokens: 200, 401 invalid_token, 400 invalid_request', async () => {
    const ok = await fetch(`${served.url}/api`, { headers: { Authorization: 'Bearer good-token' } });
    expect(await ok.text()).toBe('hello svc via Bearer');
    const bad = await fetch(`${served.url}/api`, { headers: { Authorization: 'Bearer bad-token' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer realm="Restricted", error="invalid_token"');
    const malformed = await rawGet(`${served.url}/api`, { Authorization: 'Bearer two tokens' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers['www-authenticate']).toBe('Bearer realm="Restricted", error="invalid_request"');
  });

  it('answers 500 when an async verify rejects, and keeps serving', async () => {
    const started = Date.now();
    for (let i = 0; i < 2; i++) {
      const res = await fetch(failing.url, { headers: { Authorization: basic('a', 'b') }, signal: AbortSignal.timeout(3000) });
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain('identity store down');
    }
    expect(Date.now() - started).toBeLessThan(3000);
    // The error reached the server log (wsgi.errors), not the client.
    expect(logged).toContain('identity store down');
    const refused = await fetch(failing.url, { signal: AbortSignal.timeout(3000) });
    expect(refused.status).toBe(401);
  });

  it('answers 500 when verify throws synchronously', async () => {
    const res = await fetch(`${failing.url}/sync`, { headers: { Authorization: 'Bearer x' }, signal: AbortSignal.timeout(3000) });
    expect(res.status).toBe(500);
    expect(logged).toContain('token store down');
  });
});
