import { HOSTILE } from '../../core/test/hostile-values.js';
import type { Environ } from '@tsgi/core';
import { exceptionReport } from './report.js';
import { isSecretName } from './secret-name.js';
import { SourceReader } from './source.js';

const environ = {
  REQUEST_METHOD: 'GET',
  SCRIPT_NAME: '',
  PATH_INFO: '/x',
  QUERY_STRING: '',
  SERVER_NAME: 'h',
  SERVER_PORT: '80',
  SERVER_PROTOCOL: 'HTTP/1.1',
  'wsgi.url_scheme': 'http',
} as unknown as Environ;

test.each(HOSTILE)('the exception report of %s is built without throwing', (_name, make) => {
  const report = exceptionReport(make(), environ, new SourceReader(0), isSecretName);
  expect(report.status).toBe(500);
  expect(typeof report.errors[0]!.message).toBe('string');
  expect(typeof report.errors[0]!.name).toBe('string');
});

test('an Error whose message and stack getters throw is reported by its shape', () => {
  const fail = (): never => {
    throw new Error('no');
  };
  const error = Object.create(Error.prototype, { message: { get: fail }, stack: { get: fail } }) as Error;
  const report = exceptionReport(error, environ, new SourceReader(0), isSecretName);
  expect(report.errors[0]!.frames).toEqual([]);
  expect(report.errors[0]!.name).toBe('Error');
});
