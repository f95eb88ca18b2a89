import type { Application } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { ORIG_KEY, proxyFix, type ProxyFixOptions } from './proxy-fix.js';

/** Answers the environ keys proxyFix may change, as JSON. */
const echo: Application = (environ, startResponse) => {
  const keys = ['REMOTE_ADDR', 'wsgi.url_scheme', 'HTTP_HOST', 'SERVER_NAME', 'SERVER_PORT', 'SCRIPT_NAME', ORIG_KEY];
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [Buffer.from(JSON.stringify(Object.fromEntries(keys.map((k) => [k, environ[k] ?? null]))))];
};

async function seen(options: ProxyFixOptions, remote: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const client = testClient(proxyFix(options)(echo), {
    environ: { REMOTE_ADDR: remote, HTTP_HOST: 'internal:8000', SERVER_NAME: 'internal', SERVER_PORT: '8000' },
  });
  return (await client.get('/x', { headers })).json();
}

const FORWARDED = {
  'X-Forwarded-For': '198.51.100.7, 203.0.113.5',
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-Host': 'example.com',
  'X-Forwarded-Port': '8443',
  'X-Forwarded-Prefix': '/app/',
};
const ALL = { trustedProxies: ['10.0.0.0/8'], for: 1, proto: 1, host: 1, port: 1, prefix: 1 };

test('a trusted proxy: every forwarded value is taken, the originals kept', async () => {
  const environ = await seen(ALL, '10.1.2.3', FORWARDED);
  expect(environ).toMatchObject({
    REMOTE_ADDR: '203.0.113.5',
    'wsgi.url_scheme': 'https',
    HTTP_HOST: 'example.com:8443',
    SERVER_NAME: 'example.com',
    SERVER_PORT: '8443',
    SCRIPT_NAME: '/app',
  });
  expect(environ[ORIG_KEY]).toEqual({
    REMOTE_ADDR: '10.1.2.3',
    'wsgi.url_scheme': 'http',
    HTTP_HOST: 'internal:8000',
    SERVER_NAME: 'internal',
    SERVER_PORT: '8000',
    SCRIPT_NAME: '',
  });
});

test('an untrusted peer: its X-Forwarded-* headers change nothing', async () => {
  const environ = await seen(ALL, '192.0.2.1', FORWARDED);
  expect(environ).toMatchObject({ REMOTE_ADDR: '192.0.2.1', 'wsgi.url_scheme': 'http', HTTP_HOST: 'internal:8000', SCRIPT_NAME: '' });
  expect(environ[ORIG_KEY]).toBeNull();
});

test('counts pick from the right; too few values are ignored (a client cannot inject one)', async () => {
  expect((await seen({ ...ALL, for: 2 }, '10.0.0.1', FORWARDED)).REMOTE_ADDR).toBe('198.51.100.7');
  expect((await seen({ ...ALL, for: 3 }, '10.0.0.1', FORWARDED)).REMOTE_ADDR).toBe('10.0.0.1');
  // Defaults: for and proto only; host stays.
  const defaults = await seen({ trustedProxies: ['10.0.0.1'] }, '10.0.0.1', FORWARDED);
  expect(defaults).toMatchObject({ REMOTE_ADDR: '203.0.113.5', 'wsgi.url_scheme': 'https', HTTP_HOST: 'internal:8000' });
});

test('malformed values are ignored: a bogus scheme, a host with a path, a non-numeric port', async () => {
  const environ = await seen(ALL, '10.0.0.1', {
    'X-Forwarded-Proto': 'javascript',
    'X-Forwarded-Host': 'evil.com/path',
    'X-Forwarded-Port': 'eighty',
  });
  expect(environ).toMatchObject({ 'wsgi.url_scheme': 'http', HTTP_HOST: 'internal:8000', SERVER_PORT: '8000' });
});

test('bad options throw a TypeError naming the option', () => {
  expect(() => proxyFix({ for: -1 })).toThrow(/for must be a non-negative integer/);
  expect(() => proxyFix({ host: 1.5 })).toThrow(/host must be/);
  expect(() => proxyFix({ trustedProxies: ['nope'] })).toThrow(/trustedProxies/);
});
