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
