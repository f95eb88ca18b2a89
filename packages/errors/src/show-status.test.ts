import type { Application, Body } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { showStatus } from './show-status.js';

test('an app that returns a thenable, not a Promise, is awaited (core isPromise): its empty 404 gets the page', async () => {
  const app: Application = (_environ, startResponse) =>
    ({
      then(resolve: (body: Body) => void) {
        startResponse('404 Not Found', [['X-Kept', 'yes']]);
        resolve([]);
      },
    }) as unknown as Body;
  const res = await testClient(showStatus()(app)).get('/', { headers: { Accept: 'text/plain' } });
  expect(res.status).toBe(404);
  expect(res.header('x-kept')).toBe('yes');
  expect(res.text).toMatch(/404 Not Found/);
});
