import { applicationUri, requestUri, shiftPathInfo, type Environ } from '@tsgi/core';
import { normpath } from './util.js';

function environ(extra: Partial<Environ> = {}): Environ {
  return {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '',
    QUERY_STRING: '',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    'wsgi.url_scheme': 'http',
    ...extra,
  } as Environ;
}

// Cases from CPython's Lib/test/test_wsgiref.py (testAppURIs, testReqURIs, testShiftPath*).
describe('applicationUri', () => {
  test.each([
    [{}, 'http://127.0.0.1/'],
    [{ SCRIPT_NAME: '/spammity/spam' }, 'http://127.0.0.1/spammity/spam'],
    [{ SCRIPT_NAME: '/spammity/sp\xe4m' }, 'http://127.0.0.1/spammity/sp%E4m'],
    [{ HTTP_HOST: 'spam.example.com:8000' }, 'http://spam.example.com:8000/'],
    [{ SERVER_NAME: 'spam.example.com', SERVER_PORT: '8080' }, 'http://spam.example.com:8080/'],
    [{ 'wsgi.url_scheme': 'https', SERVER_PORT: '443' }, 'https://127.0.0.1/'],
    [{ 'wsgi.url_scheme': 'https', SERVER_PORT: '80' }, 'https://127.0.0.1:80/'],
  ] as Array<[Partial<Environ>, string]>)('%j -> %s', (extra, expected) => {
    expect(applicationUri(environ(extra))).toBe(expected);
  });
});

describe('requestUri', () => {
  test.each([
    [{}, true, 'http://127.0.0.1/'],
    [{ SCRIPT_NAME: '/spam', PATH_INFO: '/ham' }, true, 'http://127.0.0.1/spam/ham'],
    [{ SCRIPT_NAME: '/spam', PATH_INFO: '/sp\xe4m' }, true, 'http://127.0.0.1/spam/sp%E4m'],
    [{ SCRIPT_NAME: '/spam', PATH_INFO: '/;ham=1,2' }, true, 'http://127.0.0.1/spam/;ham=1,2'],
    [{ SCRIPT_NAME: '/spam', PATH_INFO: '/a b?c' }, true, 'http://127.0.0.1/spam/a%20b%3Fc'],
    [{ SCRIPT_NAME: '/spam', QUERY_STRING: 'say=ni' }, true, 'http://127.0.0.1/spam?say=ni'],
    [{ SCRIPT_NAME: '/spam', QUERY_STRING: 'say=ni' }, false, 'http://127.0.0.1/spam'],
    [{ PATH_INFO: '/x' }, true, 'http://127.0.0.1/x'],
  ] as Array<[Partial<Environ>, boolean, string]>)('%j (query %s) -> %s', (extra, query, expected) => {
    expect(requestUri(environ(extra), query)).toBe(expected);
  });
});

describe('shiftPathInfo', () => {
  test.each([
    ['', '/', '', '/', ''],
    ['', '', null, '', ''],
    ['/a', '/x/y', 'x', '/a/x', '/y'],
    ['/a', '/x/', 'x', '/a/x', '/'],
    ['/a', '/x', 'x', '/a/x', ''],
    ['/a', '/', '', '/a/', ''],
    ['/a', '/x//y', 'x', '/a/x', '/y'],
    ['/a', '/x/./y', 'x', '/a/x', '/y'],
    ['/a/', '/x', 'x', '/a/x', ''],
    ['/a', '/.', null, '/a', ''],
    ['/a', '/x/../y', 'x', '/a/x', '/../y'],
    ['', '/x', 'x', '/x', ''],
  ] as Array<[string, string, string | null, string, string]>)(
    'SCRIPT_NAME %j PATH_INFO %j -> %j',
    (script, path, name, newScript, newPath) => {
      const env = environ({ SCRIPT_NAME: script, PATH_INFO: path });
      expect(shiftPathInfo(env)).toBe(name);
      expect(env.SCRIPT_NAME).toBe(newScript);
      expect(env.PATH_INFO).toBe(newPath);
    },
  );
});

describe('normpath (posixpath.normpath)', () => {
  test.each([
    ['', '.'],
    ['/', '/'],
    ['//', '//'],
    ['///', '/'],
    ['///foo/.//bar//', '/foo/bar'],
    ['///foo/.//bar//.//..//.//baz', '/foo/baz'],
    ['///..//./foo/.//bar', '/foo/bar'],
    ['a/../..', '..'],
    ['../../a', '../../a'],
    ['//a/b', '//a/b'],
  ])('%j -> %j', (input, expected) => {
    expect(normpath(input)).toBe(expected);
  });
});
