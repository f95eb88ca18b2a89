/** Runs the example of packages/secure-headers/README.md (the doc test keeps the two identical). */
import { testClient } from '@tsgi/testing';
import { app } from './readme-example.js';

test('the README example: helmet headers, a nonce in the policy and the page, HSTS only behind a TLS proxy', async () => {
  const client = testClient(app, { environ: { REMOTE_ADDR: '127.0.0.1' } });
  const direct = await client.get('/');
  const nonce = /nonce="([^"]+)"/.exec(direct.text)![1]!;
  expect(direct.header('content-security-policy')).toContain(`script-src 'self' 'nonce-${nonce}';`);
  expect(direct.header('x-frame-options')).toBe('SAMEORIGIN');
  expect(direct.header('strict-transport-security')).toBeUndefined();
  const proxied = await client.get('/', { headers: { 'X-Forwarded-Proto': 'https' } });
  expect(proxied.header('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
});
