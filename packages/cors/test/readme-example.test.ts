/** Runs the example of packages/cors/README.md (the doc test keeps the two identical). */
import { testClient } from '@tsgi/testing';
import { app } from './readme-example.js';

const FRONT = 'https://app.example.com';

test('the README example: a preflight answered by cors(), then the PUT and a GET readable by the front end', async () => {
  const client = testClient(app);
  const preflight = await client.options('/items/7', {
    headers: { Origin: FRONT, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.header('access-control-allow-origin')).toBe(FRONT);
  expect(preflight.header('access-control-allow-credentials')).toBe('true');
  expect(preflight.header('access-control-allow-headers')).toBe('content-type');
  expect(preflight.header('access-control-max-age')).toBe('600');

  const put = await client.put('/items/7', { headers: { Origin: FRONT }, json: { name: 'x' } });
  expect(put.json()).toEqual({ method: 'PUT', items: [] });
  expect(put.header('access-control-allow-origin')).toBe(FRONT);
  expect(put.header('access-control-expose-headers')).toBe('X-Total-Count');

  const elsewhere = await client.get('/items', { headers: { Origin: 'https://evil.example' } });
  expect(elsewhere.header('access-control-allow-origin')).toBeUndefined();
  expect(elsewhere.header('vary')).toBe('Origin');
});
