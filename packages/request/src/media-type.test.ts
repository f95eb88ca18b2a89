import { matchesMediaType, mediaTypeOf, parseMediaType } from './media-type.js';

describe('parseMediaType', () => {
  test.each([
    ['application/json', 'application/json', {}],
    ['Application/JSON; Charset="UTF-8"', 'application/json', { charset: 'UTF-8' }],
    ['text/plain;charset=iso-8859-1 ; format=flowed', 'text/plain', { charset: 'iso-8859-1', format: 'flowed' }],
    ['multipart/form-data; boundary="a \\"quoted\\" b"', 'multipart/form-data', { boundary: 'a "quoted" b' }],
    ['text/plain; charset=utf-8; charset=latin1', 'text/plain', { charset: 'utf-8' }],
  ])('%s', (value, type, params) => {
    const parsed = parseMediaType(value);
    expect(parsed.type).toBe(type);
    expect({ ...parsed.params }).toEqual(params);
  });

  test.each([undefined, '', 'json', '/json', 'application/', 'app lication/json', 'text/plain extra'])('%p is no media type', (value) => {
    expect(parseMediaType(value).type).toBe('');
  });

  test('a parameter named __proto__ is only a name', () => {
    const parsed = parseMediaType('text/plain; __proto__=x');
    expect(parsed.params.__proto__).toBe('x');
    expect(Object.getPrototypeOf(parsed.params)).toBe(null);
  });
});

describe('matchesMediaType', () => {
  const json = ['application/json', '*/*+json'];
  test.each([
    ['application/json', true],
    ['application/ld+json', true],
    ['application/vnd.api+json', true],
    ['application/jsonp', false],
    ['application/json-seq', false],
    ['text/json', false],
    ['+json', false],
    ['', false],
  ])('%s against JSON types: %s', (type, expected) => {
    expect(matchesMediaType(type, json)).toBe(expected);
  });

  test('wildcards: text/*, */*', () => {
    expect(matchesMediaType('text/csv', ['text/*'])).toBe(true);
    expect(matchesMediaType('image/png', ['text/*'])).toBe(false);
    expect(matchesMediaType('image/png', ['*/*'])).toBe(true);
    expect(matchesMediaType('application/problem+json', ['application/*+json'])).toBe(true);
    expect(matchesMediaType('text/x+json', ['application/*+json'])).toBe(false);
  });
});

describe('mediaTypeOf', () => {
  test('parses as parseMediaType does, one frozen answer shared per value', () => {
    const value = 'Text/Plain; charset="ISO-8859-1"';
    const first = mediaTypeOf(value);
    expect(first).toEqual(parseMediaType(value));
    expect(mediaTypeOf(value)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.params)).toBe(true);
    expect(mediaTypeOf(undefined).type).toBe('');
    expect(mediaTypeOf('').type).toBe('');
  });

  test('the cache stays bounded when every request sends another value, and keeps answering right', () => {
    for (let i = 0; i < 1000; i++) expect(mediaTypeOf(`application/x-${i}; charset=utf-8`)).toEqual({ type: `application/x-${i}`, params: { charset: 'utf-8' } });
    const value = 'application/json';
    expect(mediaTypeOf(value)).toBe(mediaTypeOf(value));
  });
});
