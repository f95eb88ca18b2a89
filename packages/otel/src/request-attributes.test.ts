import fc from 'fast-check';
import type { Environ } from '@tsgi/core';
import { normalizeMethod, protocolVersion, redactQuery, requestAttributes, splitHost } from './request-attributes.js';

const environ = (overrides: Record<string, string>): Environ =>
  ({ REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: '/', QUERY_STRING: '', SERVER_NAME: 'localhost', SERVER_PORT: '8000', ...overrides }) as unknown as Environ;

test('methods: the known ones as they are; any other, lowercase included, is _OTHER with the original', () => {
  for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']) {
    expect(normalizeMethod(m)).toEqual({ attribute: m, spanName: m, original: undefined });
  }
  expect(normalizeMethod('get')).toEqual({ attribute: '_OTHER', spanName: 'HTTP', original: 'get' });
  expect(normalizeMethod('PURGE')).toEqual({ attribute: '_OTHER', spanName: 'HTTP', original: 'PURGE' });
});

test('network.protocol.version as the conventions spell it', () => {
  expect(protocolVersion('HTTP/1.1')).toBe('1.1');
  expect(protocolVersion('HTTP/1.0')).toBe('1.0');
  expect(protocolVersion('HTTP/2.0')).toBe('2');
  expect(protocolVersion('HTTP/3')).toBe('3');
  expect(protocolVersion('SPDY/3')).toBeUndefined();
  expect(protocolVersion(undefined)).toBeUndefined();
});

test('signed-URL secrets in the query are redacted, everything else kept', () => {
  expect(redactQuery('a=1&Signature=xyz&b=2')).toBe('a=1&Signature=REDACTED&b=2');
  expect(redactQuery('AWSAccessKeyId=AKIA&sig=1&X-Goog-Signature=ff')).toBe('AWSAccessKeyId=REDACTED&sig=REDACTED&X-Goog-Signature=REDACTED');
  expect(redactQuery('mysig=1&signature=2')).toBe('mysig=1&signature=2');
  fc.assert(
    fc.property(fc.string(), fc.string(), (before, secret) => {
      const safe = secret.replace(/&/g, '');
      const query = `${before.replace(/&?Signature=/g, '')}&Signature=${safe}`;
      expect(redactQuery(query).endsWith('&Signature=REDACTED')).toBe(true);
    }),
  );
});

test('the Host header: name and port, IPv6 brackets dropped', () => {
  expect(splitHost('example.com')).toEqual({ address: 'example.com', port: undefined });
  expect(splitHost('example.com:8080')).toEqual({ address: 'example.com', port: 8080 });
  expect(splitHost('[::1]:3000')).toEqual({ address: '::1', port: 3000 });
  expect(splitHost('[2001:db8::1]')).toEqual({ address: '2001:db8::1', port: undefined });
});

test('server.address/port: the Host header (scheme default port), else SERVER_NAME and SERVER_PORT', () => {
  const get = normalizeMethod('GET');
  expect(requestAttributes(environ({ HTTP_HOST: 'shop.example' }), get, 'https', '1.1')).toMatchObject({
    'server.address': 'shop.example',
    'server.port': 443,
  });
  expect(requestAttributes(environ({}), get, 'http', '1.0')).toMatchObject({ 'server.address': 'localhost', 'server.port': 8000 });
});

test('url.path is the raw target when the gateway kept it, else SCRIPT_NAME + PATH_INFO quoted', () => {
  const get = normalizeMethod('GET');
  const raw = environ({ REQUEST_URI: '/a%2Fb?x=1', PATH_INFO: '/a/b' });
  expect(requestAttributes(raw, get, 'http', '1.1')['url.path']).toBe('/a%2Fb');
  const quoted = environ({ SCRIPT_NAME: '/app', PATH_INFO: '/caf\u00c3\u00a9 x' });
  expect(requestAttributes(quoted, get, 'http', '1.1')['url.path']).toBe('/app/caf%C3%A9%20x');
});

test('optional attributes are left out when the environ has nothing for them', () => {
  const attributes = requestAttributes(environ({}), normalizeMethod('GET'), 'http', undefined);
  expect(Object.keys(attributes).sort()).toEqual(['http.request.method', 'server.address', 'server.port', 'url.path', 'url.scheme']);
});

test("server.address/port follow each request's Host, alternating hosts included (the last split is reused only for the same Host)", () => {
  const get = normalizeMethod('GET');
  const hosts: Array<[string, string, number]> = [
    ['a.example:8080', 'a.example', 8080],
    ['a.example:8080', 'a.example', 8080],
    ['[::1]:3000', '::1', 3000],
    ['b.example', 'b.example', 443],
    ['a.example:8080', 'a.example', 8080],
  ];
  for (const [host, address, port] of hosts) {
    expect(requestAttributes(environ({ HTTP_HOST: host }), get, 'https', '1.1')).toMatchObject({ 'server.address': address, 'server.port': port });
  }
});
