/**
 * secureHeaders() under testClient (lint on): the defaults against helmet's own output
 * (helmet runs here, on a stand-in response), each header switched off and changed,
 * removal of X-Powered-By and Server, who wins a conflict, and nonces.
 */
import helmet from 'helmet';
import type { Application, ResponseHeaders } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { CSP_NONCE_KEY, NONCE, secureHeaders, type SecureHeadersOptions } from './index.js';

/** The headers helmet() sets with its defaults, as [name, value] pairs in its order. */
function helmetDefaults(): Array<[string, string]> {
  const set: Array<[string, string]> = [];
  const res = { setHeader: (name: string, value: string) => void set.push([name, String(value)]), removeHeader: () => undefined };
  let done = false;
  helmet()({} as never, res as never, () => (done = true));
  expect(done).toBe(true);
  return set;
}

function answering(headers: ResponseHeaders = [['Content-Type', 'text/html; charset=utf-8']], status = '200 OK'): Application {
  return (_environ, startResponse) => {
    startResponse(status, headers);
    return [new TextEncoder().encode('<!doctype html>')];
  };
}

async function headersOf(options: SecureHeadersOptions, app = answering(), scheme: 'http' | 'https' = 'https'): Promise<ResponseHeaders> {
  const res = await testClient(secureHeaders(options)(app), { environ: { 'wsgi.url_scheme': scheme } }).get('/');
  return res.headers;
}

const ours = (headers: ResponseHeaders): ResponseHeaders => headers.filter(([name]) => name !== 'Content-Type');

test("the defaults are helmet's defaults, header for header, in helmet's order (on HTTPS)", async () => {
  expect(ours(await headersOf({}))).toEqual(helmetDefaults());
});

test('on plain HTTP the same, without Strict-Transport-Security (RFC 6797 section 7.2)', async () => {
  const expected = helmetDefaults().filter(([name]) => name !== 'Strict-Transport-Security');
  expect(ours(await headersOf({}, answering(), 'http'))).toEqual(expected);
});

describe('each header can be switched off or changed', () => {
  test.each<[string, SecureHeadersOptions, string, string | undefined]>([
    ['contentSecurityPolicy: false', { contentSecurityPolicy: false }, 'content-security-policy', undefined],
    ['crossOriginEmbedderPolicy: true', { crossOriginEmbedderPolicy: true }, 'cross-origin-embedder-policy', 'require-corp'],
    ['crossOriginEmbedderPolicy: credentialless', { crossOriginEmbedderPolicy: 'credentialless' }, 'cross-origin-embedder-policy', 'credentialless'],
    ['crossOriginOpenerPolicy: false', { crossOriginOpenerPolicy: false }, 'cross-origin-opener-policy', undefined],
    ['crossOriginOpenerPolicy: same-origin-allow-popups', { crossOriginOpenerPolicy: 'same-origin-allow-popups' }, 'cross-origin-opener-policy', 'same-origin-allow-popups'],
    ['crossOriginResourcePolicy: cross-origin', { crossOriginResourcePolicy: 'cross-origin' }, 'cross-origin-resource-policy', 'cross-origin'],
    ['originAgentCluster: false', { originAgentCluster: false }, 'origin-agent-cluster', undefined],
    ['referrerPolicy: a fallback list', { referrerPolicy: ['no-referrer', 'strict-origin-when-cross-origin'] }, 'referrer-policy', 'no-referrer, strict-origin-when-cross-origin'],
    ['strictTransportSecurity: preload', { strictTransportSecurity: { maxAge: 63072000, preload: true } }, 'strict-transport-security', 'max-age=63072000; includeSubDomains; preload'],
    ['strictTransportSecurity: no subdomains', { strictTransportSecurity: { maxAge: 300, includeSubDomains: false } }, 'strict-transport-security', 'max-age=300'],
    ['strictTransportSecurity: false', { strictTransportSecurity: false }, 'strict-transport-security', undefined],
    ['xContentTypeOptions: false', { xContentTypeOptions: false }, 'x-content-type-options', undefined],
    ['xDnsPrefetchControl: on', { xDnsPrefetchControl: 'on' }, 'x-dns-prefetch-control', 'on'],
    ['xDownloadOptions: false', { xDownloadOptions: false }, 'x-download-options', undefined],
    ['xFrameOptions: DENY', { xFrameOptions: 'DENY' }, 'x-frame-options', 'DENY'],
    ['xFrameOptions: false', { xFrameOptions: false }, 'x-frame-options', undefined],
    ['xPermittedCrossDomainPolicies: master-only', { xPermittedCrossDomainPolicies: 'master-only' }, 'x-permitted-cross-domain-policies', 'master-only'],
    ['xXssProtection: false', { xXssProtection: false }, 'x-xss-protection', undefined],
    [
      'a directive over the defaults, one dropped, one added',
      { contentSecurityPolicy: { directives: { scriptSrc: ["'self'", 'https://cdn.example'], upgradeInsecureRequests: null, 'connect-src': ["'self'"] } } },
      'content-security-policy',
      "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self' https://cdn.example;script-src-attr 'none';style-src 'self' https: 'unsafe-inline';connect-src 'self'",
    ],
    ['a policy without the defaults', { contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"] } } }, 'content-security-policy', "default-src 'none'"],
    ['report-only', { contentSecurityPolicy: { useDefaults: false, reportOnly: true, directives: { defaultSrc: ["'self'"] } } }, 'content-security-policy-report-only', "default-src 'self'"],
  ])('%s', async (_name, options, header, value) => {
    const headers = await headersOf(options);
    const found = headers.filter(([name]) => name.toLowerCase() === header);
    expect(found.map(([, v]) => v)).toEqual(value === undefined ? [] : [value]);
  });
});

test('X-Powered-By and Server are taken off the app’s headers, in any case; others kept', async () => {
  const headers = await headersOf({}, answering([['Content-Type', 'text/plain'], ['x-powered-by', 'Express'], ['SERVER', 'nginx'], ['ETag', '"1"']]));
  const names = headers.map(([name]) => name.toLowerCase());
  expect(names).not.toContain('x-powered-by');
  expect(names).not.toContain('server');
  expect(names).toContain('etag');
});

test('a name is judged the same on every request, once it was seen (one instance, names kept or removed alike each time)', async () => {
  // Content-Type has X-Powered-By's length: ruled in or out by name, not by length.
  const apps = [
    answering([['Content-Type', 'text/plain'], ['X-Powered-By', 'Express']]),
    answering([['Content-Type', 'text/plain'], ['x-frame-options', 'DENY']]),
  ];
  let i = 0;
  const client = testClient(secureHeaders()((environ, startResponse) => apps[i++ % 2]!(environ, startResponse)));
  for (let round = 0; round < 3; round++) {
    const removed = (await client.get('/')).headers;
    expect(removed).toContainEqual(['Content-Type', 'text/plain']);
    expect(removed.some(([n]) => n.toLowerCase() === 'x-powered-by')).toBe(false);
    const own = (await client.get('/')).headers;
    expect(own.filter(([n]) => n.toLowerCase() === 'x-frame-options')).toEqual([['x-frame-options', 'DENY']]);
  }
});

test('removeHeaders: [] keeps them', async () => {
  const headers = await headersOf({ removeHeaders: [] }, answering([['Content-Type', 'text/plain'], ['X-Powered-By', 'Express']]));
  expect(headers).toContainEqual(['X-Powered-By', 'Express']);
});

test("the app's own header wins by default (one route may relax its policy), ours is not doubled", async () => {
  const headers = await headersOf({}, answering([['Content-Type', 'text/html'], ['content-security-policy', "frame-ancestors 'none'"], ['X-Frame-Options', 'DENY']]));
  expect(headers.filter(([n]) => n.toLowerCase() === 'content-security-policy')).toEqual([['content-security-policy', "frame-ancestors 'none'"]]);
  expect(headers.filter(([n]) => n.toLowerCase() === 'x-frame-options')).toEqual([['X-Frame-Options', 'DENY']]);
  expect(headers.some(([n]) => n === 'X-Content-Type-Options')).toBe(true);
});

test('overwrite: true replaces the app’s header with ours', async () => {
  const headers = await headersOf({ overwrite: true }, answering([['Content-Type', 'text/html'], ['X-Frame-Options', 'ALLOWALL']]));
  expect(headers.filter(([n]) => n.toLowerCase() === 'x-frame-options')).toEqual([['X-Frame-Options', 'SAMEORIGIN']]);
});

test("an app's HSTS on a plain-HTTP request is left alone even with overwrite (we send none there)", async () => {
  const headers = await headersOf({ overwrite: true }, answering([['Content-Type', 'text/html'], ['Strict-Transport-Security', 'max-age=5']]), 'http');
  expect(headers).toContainEqual(['Strict-Transport-Security', 'max-age=5']);
});

test('error responses get the headers too', async () => {
  const res = await testClient(secureHeaders()(answering([['Content-Type', 'text/plain']], '500 Internal Server Error'))).get('/');
  expect(res.status).toBe(500);
  expect(res.header('x-content-type-options')).toBe('nosniff');
});

test("the app's header list is never edited (it may be one constant list)", async () => {
  const constant: ResponseHeaders = [['Content-Type', 'text/plain'], ['X-Powered-By', 'me']];
  const client = testClient(secureHeaders()(answering(constant)));
  for (let i = 0; i < 3; i++) await client.get('/');
  expect(constant).toEqual([['Content-Type', 'text/plain'], ['X-Powered-By', 'me']]);
});

describe('nonces', () => {
  const options: SecureHeadersOptions = { contentSecurityPolicy: { directives: { scriptSrc: ["'self'", NONCE], styleSrc: ["'self'", NONCE] } } };

  test('a fresh 128-bit nonce per request, in the environ and in every NONCE place of the policy', async () => {
    const seen: string[] = [];
    const app: Application = (environ, startResponse) => {
      seen.push(environ[CSP_NONCE_KEY] as string);
      return answering()(environ, startResponse);
    };
    const client = testClient(secureHeaders(options)(app));
    const first = await client.get('/');
    const second = await client.get('/');
    expect(seen[0]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(seen[0]).not.toBe(seen[1]);
    const policy = first.header('content-security-policy')!;
    expect(policy).toContain(`script-src 'self' 'nonce-${seen[0]}';`);
    expect(policy).toContain(`style-src 'self' 'nonce-${seen[0]}'`);
    expect(second.header('content-security-policy')).toContain(`'nonce-${seen[1]}'`);
  });

  test('no random bytes at factory time, nor per request when the policy has no NONCE', async () => {
    const spy = jest.spyOn(globalThis.crypto, 'getRandomValues');
    try {
      const withNonce = secureHeaders(options)(answering());
      const without = secureHeaders()(answering());
      expect(spy).not.toHaveBeenCalled();
      const res = await testClient(without).get('/');
      expect(res.environ[CSP_NONCE_KEY]).toBeUndefined();
      expect(spy).not.toHaveBeenCalled();
      await testClient(withNonce).get('/');
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('bad options throw a TypeError naming them', () => {
  test.each<[string, unknown, RegExp]>([
    ['unknown option', { frameGuard: true }, /unknown option "frameGuard"/],
    ['xFrameOptions value', { xFrameOptions: 'ALLOW-FROM https://a' }, /xFrameOptions must be false, true or one of 'DENY', 'SAMEORIGIN', got "ALLOW-FROM https:\/\/a"/],
    ['referrerPolicy value', { referrerPolicy: 'never' }, /referrerPolicy must be false, one of/],
    ['hsts preload too short', { strictTransportSecurity: { maxAge: 600, preload: true } }, /preload needs maxAge >= 31536000/],
    ['hsts maxAge', { strictTransportSecurity: { maxAge: -1 } }, /maxAge must be whole seconds/],
    ['an unquoted keyword', { contentSecurityPolicy: { directives: { scriptSrc: ['self'] } } }, /script-src has self unquoted.*write "'self'"/],
    ['two sources in one string', { contentSecurityPolicy: { directives: { scriptSrc: ["'self' https:"] } } }, /not one CSP source/],
    ['a ; in a source', { contentSecurityPolicy: { directives: { scriptSrc: ["'self';img-src"] } } }, /not one CSP source/],
    ['a directive that is not a list', { contentSecurityPolicy: { directives: { scriptSrc: "'self'" } } }, /script-src must be an array of sources/],
    ['no directives at all', { contentSecurityPolicy: { useDefaults: false } }, /the policy has no directives; set contentSecurityPolicy: false/],
    ['removeHeaders', { removeHeaders: 'X-Powered-By' }, /removeHeaders must be a list of header names/],
    ['overwrite', { overwrite: 'yes' }, /overwrite must be true or false, got "yes"/],
  ])('%s', (_name, options, message) => {
    expect(() => secureHeaders(options as SecureHeadersOptions)).toThrow(TypeError);
    expect(() => secureHeaders(options as SecureHeadersOptions)).toThrow(message);
  });
});
