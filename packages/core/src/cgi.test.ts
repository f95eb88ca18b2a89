import fc from 'fast-check';
import { environKey } from '@tsgi/core';
import { decodePathInfo } from '@tsgi/core/gateway';

describe('decodePathInfo', () => {
  test('every byte, percent-encoded, decodes to the char with that code', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const encoded = '/' + Array.from(bytes, (b) => '%' + b.toString(16).padStart(2, '0')).join('');
        expect(decodePathInfo(encoded)).toBe('/' + Buffer.from(bytes).toString('latin1'));
      }),
    );
  });

  test('UTF-8 percent-escapes become their bytes, not their code point', () => {
    expect(decodePathInfo('/%C3%A4')).toBe('/\xc3\xa4');
    expect(decodePathInfo('/%c3%a4')).toBe('/\xc3\xa4');
    expect(decodePathInfo('/%E4')).toBe('/\xe4');
  });

  test('a % without two hex digits is kept as it is', () => {
    expect(decodePathInfo('/100%')).toBe('/100%');
    expect(decodePathInfo('/%4')).toBe('/%4');
    expect(decodePathInfo('/%zz%41')).toBe('/%zzA');
    expect(decodePathInfo('/a%%41')).toBe('/a%A');
  });

  test('matches decodeURIComponent for ASCII text, on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 40 }), (raw) => {
        const encoded = encodeURIComponent(raw);
        expect(decodePathInfo(encoded)).toBe(raw);
      }),
    );
  });

  test('a path without % is returned unchanged', () => {
    const path = '/plain/path';
    expect(decodePathInfo(path)).toBe(path);
  });
});

describe('environKey', () => {
  test('maps names to CGI keys and drops names with underscores', () => {
    expect(environKey('User-Agent')).toBe('HTTP_USER_AGENT');
    expect(environKey('x-custom-thing')).toBe('HTTP_X_CUSTOM_THING');
    expect(environKey('content-type')).toBe('CONTENT_TYPE');
    expect(environKey('Content-Length')).toBe('CONTENT_LENGTH');
    expect(environKey('Content_Length')).toBeNull();
    expect(environKey('X_Real_IP')).toBeNull();
  });
});
