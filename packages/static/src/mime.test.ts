import { contentTypeFor, DEFAULT_CONTENT_TYPE } from './mime.js';

describe('contentTypeFor', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['APP.JS', 'text/javascript; charset=utf-8'],
    ['a.b.json', 'application/json; charset=utf-8'],
    ['logo.svg', 'image/svg+xml; charset=utf-8'],
    ['photo.jpeg', 'image/jpeg'],
    ['module.wasm', 'application/wasm'],
    ['font.woff2', 'font/woff2'],
    ['Makefile', DEFAULT_CONTENT_TYPE],
    ['.env', DEFAULT_CONTENT_TYPE],
    ['x.unknown-ext', DEFAULT_CONTENT_TYPE],
  ])('%s is %s', (name, type) => {
    expect(contentTypeFor(name)).toBe(type);
  });

  it('takes a fallback for unknown extensions', () => {
    expect(contentTypeFor('data.zzz', 'text/plain')).toBe('text/plain');
  });
});
