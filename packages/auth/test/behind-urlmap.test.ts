/**
 * A basicAuth-protected app mounted at /admin by urlMap, over a real socket: no
 * spelling of the path reaches it without credentials. Raw `net` requests, so no
 * client normalises the path before the server sees it.
 */
import { connect } from 'node:net';
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve } from '@tsgi/server';
import { urlMap } from '@tsgi/router';
import { basicAuth } from '@tsgi/auth';

const SECRET = 'admin-only:';

const adminApp: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from(`${SECRET}${environ.REMOTE_USER}:${environ.SCRIPT_NAME}|${environ.PATH_INFO}`)];
};

const publicApp: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from(`public:${environ.PATH_INFO}`)];
};

const CREDENTIALS = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;

/** One HTTP/1.1 request with `target` sent byte for byte; resolves to status and body. */
function rawRequest(port: number, target: string, authorization?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(3000, () => socket.destroy(new Error(`no answer for ${target}`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (!match) return reject(new Error(`no status line for ${target}: ${JSON.stringify(text.slice(0, 80))}`));
      resolve({ status: Number(match[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    const auth = authorization ? `Authorization: ${authorization}\r\n` : '';
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Connection: close\r\n\r\n`);
  });
}

describe('basicAuth behind urlMap', () => {
  let served: Awaited<ReturnType<typeof serve>>;
  let port: number;

  beforeAll(async () => {
    // lint above urlMap and between the layers under it: the mount's SCRIPT_NAME and
    // PATH_INFO and auth's REMOTE_USER are checked where each layer hands them on.
    const admin = basicAuth({ realm: 'Admin', users: { alice: 's3cret' } })(lint(adminApp));
    const site = urlMap({ '/admin': lint(admin), '/': lint(publicApp) });
    served = await serve(lint(site), { host: '127.0.0.1', port: 0 });
    port = Number(new URL(served.url).port);
  });

  afterAll(async () => {
    await served?.close();
  });

  // Spellings that name the admin mount once the path is decoded and normalised.
  const ADMIN_SPELLINGS = ['/admin', '/admin/', '//admin', '/public/../admin', '/%61dmin', '/./admin/', '/admin//x', '/public/%2e%2e/admin'];
  // Encoded slashes: today the gateway decodes %2F before urlMap sees the path, so
  // these land in the admin mount (401); were %2F kept opaque they would go elsewhere.
  // Either way the admin app must never answer them unchecked.
  const AMBIGUOUS = ['/admin%2fx', '/admin%2Fx', '/%2fadmin', '/public%2f..%2fadmin'];

  it.each(ADMIN_SPELLINGS)('refuses %s without credentials', async (target) => {
    const res = await rawRequest(port, target);
    expect(res.status).toBe(401);
    expect(res.body).not.toContain(SECRET);
  });

  it.each(ADMIN_SPELLINGS)('serves %s from the admin app with credentials', async (target) => {
    const res = await rawRequest(port, target, CREDENTIALS);
    expect(res.status).toBe(200);
    expect(res.body).toMatch(new RegExp(`^${SECRET}alice:/admin\\|`));
  });

  it.each(AMBIGUOUS)('never serves %s from the admin app without credentials', async (target) => {
    const res = await rawRequest(port, target);
    expect(res.body).not.toContain(SECRET);
    expect([401, 404, 200]).toContain(res.status);
    // Wherever it went, it did not go to the admin app unchecked.
    if (res.status === 200) expect(res.body).toMatch(/^public:/);
  });

  it('still serves the public app without credentials', async () => {
    const res = await rawRequest(port, '/public/page');
    expect(res).toEqual({ status: 200, body: 'public:/public/page' });
    expect((await rawRequest(port, '/adminx')).body).toBe('public:/adminx');
  });
});
