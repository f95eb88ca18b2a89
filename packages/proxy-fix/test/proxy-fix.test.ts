/**
 * proxyFix on the real gateway: a request from 127.0.0.1 (trusted) with
 * X-Forwarded-* gets the client's address and scheme; with 127.0.0.1 untrusted the
 * socket's own values stay.
 */
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve } from '@tsgi/server';
import { proxyFix } from '../src/index.js';

const echo: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  const { REMOTE_ADDR, HTTP_HOST, SERVER_PORT } = environ;
  return [Buffer.from(JSON.stringify({ REMOTE_ADDR, scheme: environ['wsgi.url_scheme'], HTTP_HOST, SERVER_PORT }))];
};

const forwarded = { 'X-Forwarded-For': '203.0.113.5', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'example.com' };

test.each([
  ['trusted', ['127.0.0.1'], { REMOTE_ADDR: '203.0.113.5', scheme: 'https', HTTP_HOST: 'example.com', SERVER_PORT: '443' }],
  ['untrusted', ['10.0.0.0/8'], { REMOTE_ADDR: '127.0.0.1', scheme: 'http' }],
])('%s peer over a socket', async (_name, trustedProxies, expected) => {
  const served = await serve(lint(proxyFix({ trustedProxies, host: 1 })(lint(echo))), { port: 0, errors: { write: () => true } });
  try {
    const response = await fetch(`${served.url}/`, { headers: forwarded });
    const body = (await response.json()) as Record<string, string>;
    expect(body).toMatchObject(expected);
    if (_name === 'untrusted') expect(body.HTTP_HOST).toBe(new URL(served.url).host);
  } finally {
    await served.close();
  }
});
