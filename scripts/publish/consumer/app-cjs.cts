// A CommonJS TypeScript module: under node16 its imports are require() calls, so tsc
// reads each package's CommonJS declarations (the `require` condition).
import { compose, HttpError, type Application } from '@tsgi/core';
import { lint, LintError } from '@tsgi/lint';
import { testClient } from '@tsgi/testing';

const app: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from('ok')];
};

export async function check(): Promise<number> {
  const response = await testClient(compose()(lint(app))).get('/');
  const error: unknown = new HttpError(404);
  return response.status + (error instanceof LintError ? 1 : 0);
}
