/**
 * secureHeaders() on a real server on 127.0.0.1, under lint(): an Express app wrapped
 * with fromNodeListener loses its X-Powered-By and gets helmet's headers; behind a TLS
 * proxy (proxyFix trusting X-Forwarded-Proto from 127.0.0.1) it gets HSTS, directly it
 * does not; a nonce'd policy carries the nonce the app wrote into its page.
 */
import { request } from 'node:http';
import express from 'express';
import { compose, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { proxyFix } from '@tsgi/proxy-fix';
import { fromNodeListener } from '@tsgi/adapters';
import { serve, type Served } from '@tsgi/server';
import { CSP_NONCE_KEY, NONCE, secureHeaders } from '@tsgi/secure-headers';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false, timeout: 3000 }, (res) => {
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

let expressServed: Served;
let nonceServed: Served;

beforeAll(async () => {
  const site = express();
  site.get('/', (_req, res) => {
    res.type('html').send('<!doctype html><p>hello from express</p>');
  });
  const wrapped = fromNodeListener(site);
  expressServed = await serve(lint(compose(proxyFix(), secureHeaders())(lint(wrapped))), { host: '127.0.0.1', port: 0 });

  const page: Application = (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
    return [Buffer.from(`<!doctype html><script nonce="${String(environ[CSP_NONCE_KEY])}">1</script>`)];
  };
  const withNonce = secureHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", NONCE] } } });
  nonceServed = await serve(lint(withNonce(page)), { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await expressServed?.close();
  await nonceServed?.close();
});

test('an Express app wrapped with fromNodeListener: X-Powered-By gone, helmet headers there, no HSTS over plain HTTP', async () => {
  const res = await get(`${expressServed.url}/`);
  expect(res.status).toBe(200);
  expect(res.text).toBe('<!doctype html><p>hello from express</p>');
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['content-security-policy']).toMatch(/^default-src 'self';/);
  expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['strict-transport-security']).toBeUndefined();
});

test('behind a TLS proxy (X-Forwarded-Proto: https from a trusted peer): HSTS', async () => {
  const res = await get(`${expressServed.url}/`, { 'X-Forwarded-Proto': 'https' });
  expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
});

test("the nonce in the policy is the one the app wrote into its page, and differs per response", async () => {
  const [a, b] = await Promise.all([get(`${nonceServed.url}/`), get(`${nonceServed.url}/`)]);
  const nonceOf = (text: string) => /nonce="([^"]+)"/.exec(text)![1]!;
  expect(a.headers['content-security-policy']).toContain(`script-src 'self' 'nonce-${nonceOf(a.text)}'`);
  expect(b.headers['content-security-policy']).toContain(`'nonce-${nonceOf(b.text)}'`);
  expect(nonceOf(a.text)).not.toBe(nonceOf(b.text));
});
