import type { Environ } from '@tsgi/core';
import { HOSTILE } from '../../core/test/hostile-values.js';
import { logError } from './log-error.js';

function environWith(lines: string[]): Environ {
  return {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/x',
    QUERY_STRING: '',
    SERVER_NAME: 'h',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    'wsgi.url_scheme': 'http',
    'wsgi.errors': { write: (text: string) => void lines.push(text), writelines: () => undefined, flush: () => undefined },
  } as unknown as Environ;
}

test.each(HOSTILE)('logs %s in one line without throwing', (_name, make) => {
  const lines: string[] = [];
  expect(() => logError(environWith(lines), 'httpErrors', 500, make())).not.toThrow();
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^tsgi httpErrors: 500 for GET http:\/\/h\/x: .+/);
});

test('masks secrets in the logged URL and in the error text, by the development page rule', () => {
  const lines: string[] = [];
  const environ = { ...environWith(lines), QUERY_STRING: 'api_key=QUERYSECRET&page=2' } as Environ;
  logError(environ, 'httpErrors', 502, new Error('upstream https://api.example/v1?token=UPSTREAMSECRET failed'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(/QUERYSECRET|UPSTREAMSECRET/);
  expect(lines[0]).toMatch(/page=2/);
  expect(lines[0]).toMatch(/upstream https:\/\/api\.example\/v1\?token=/);
});
