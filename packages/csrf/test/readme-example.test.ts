/** Runs the example of packages/csrf/README.md (the doc test keeps the two identical). */
import { testClient } from '@tsgi/testing';
import { app } from './readme-example.js';

test('the README example: same-origin and trusted posts pass, a cross-site one is refused', async () => {
  const client = testClient(app, { environ: { REMOTE_ADDR: '127.0.0.1', HTTP_HOST: 'shop.example' } });
  const tls = { 'X-Forwarded-Proto': 'https' };
  const own = await client.post('/settings', { headers: { ...tls, 'Sec-Fetch-Site': 'same-origin', Origin: 'https://shop.example' } });
  expect(own.status).toBe(303);
  const oldBrowser = await client.post('/settings', { headers: { ...tls, Origin: 'https://shop.example' } });
  expect(oldBrowser.status).toBe(303);
  const admin = await client.post('/settings', { headers: { ...tls, 'Sec-Fetch-Site': 'cross-site', Origin: 'https://admin.example.com' } });
  expect(admin.status).toBe(303);
  const evil = await client.post('/settings', { headers: { ...tls, 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' } });
  expect([evil.status, evil.text]).toEqual([403, 'Forbidden: cross-site request (Sec-Fetch-Site) from an origin that is not trusted.\n']);
});
