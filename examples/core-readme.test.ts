/** Runs the example of packages/core/README.md (the doc test keeps the two identical). */
import { testClient } from '@tsgi/testing';
import { app, finishedCount } from './core-readme.js';

test('the core README example echoes the body under a shifted path and counts the finished response', async () => {
  const seen: string[] = [];
  const client = testClient((environ, startResponse) => {
    const result = app(environ, startResponse);
    seen.push(`${environ.SCRIPT_NAME}|${environ.PATH_INFO}`);
    return result;
  });
  const before = finishedCount();
  const response = await client.post('/mnt/x', { body: 'hello' });
  expect(response.status).toBe(200);
  expect(response.text).toBe('hello');
  expect(seen).toEqual(['/mnt|/x']);
  expect(finishedCount()).toBe(before + 1);
  await expect(client.post('/mnt/x', { body: 'x'.repeat(64 * 1024 + 1) })).rejects.toMatchObject({ status: 413 });
});
