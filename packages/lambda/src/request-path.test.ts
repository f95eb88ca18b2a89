import { badPath, badTarget, mount } from './request-path.js';

test.each<[string, string | undefined]>([
  ['/', undefined],
  ['/items/42', undefined],
  ['/a b/%2F/caf%C3%A9', undefined],
  ['', "no leading '/'"],
  ['items', "no leading '/'"],
  ['http://x/..', "no leading '/'"],
  ['\\\\host\\x', "no leading '/'"],
  ['//host/..', "'//' (a scheme-relative URL)"],
  ['/a\r\nb', 'a control character'],
  ['/a\u0000', 'a control character'],
  ['/a\u007f', 'a control character'],
  ['/\uDC00', 'a lone surrogate'],
])('badPath(%j) is %j', (path, reason) => {
  expect(badPath(path)).toBe(reason);
});

test.each<[string, string, string | undefined]>([
  ['', '/items', undefined],
  ['/prod', '/', undefined],
  ['/prod', '//evil', "PATH_INFO would start with '//'"],
  ['', '/%2Fevil', "PATH_INFO would start with '//'"],
  ['', '/%2F', "PATH_INFO would start with '//'"],
  ['', '/a%0D%0Ab', 'a percent-encoded control character'],
  ['/p%0a', '/x', 'a percent-encoded control character'],
  ['', '/a%2Fb', undefined],
])('badTarget(%j, %j) is %j', (scriptName, path, reason) => {
  expect(badTarget(scriptName, path)).toBe(reason);
});

test('mount moves a whole first segment only', () => {
  expect(mount('/prod/items', '/prod')).toEqual(['/prod', '/items']);
  expect(mount('/prod', '/prod')).toEqual(['/prod', '/']);
  expect(mount('/production', '/prod')).toEqual(['', '/production']);
  expect(mount('/x', '')).toEqual(['', '/x']);
});
