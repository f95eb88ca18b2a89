import { HttpError } from '@tsgi/core';
import { multipartBoundary } from './content-type.js';

function status(contentType: string | undefined): number | string {
  try {
    return multipartBoundary(contentType);
  } catch (error) {
    return (error as HttpError).status;
  }
}

describe('multipartBoundary', () => {
  it('reads a token or a quoted boundary, the media type case-insensitively', () => {
    expect(status('multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk')).toBe('----WebKitFormBoundary7MA4YWxk');
    expect(status('Multipart/Form-Data;boundary="a b:c/d?"')).toBe('a b:c/d?');
    expect(status(`multipart/form-data; charset=utf-8; boundary=${'x'.repeat(70)}`)).toBe('x'.repeat(70));
  });

  it('answers 415 for another media type or none', () => {
    expect(status(undefined)).toBe(415);
    expect(status('application/x-www-form-urlencoded')).toBe(415);
    expect(status('multipart/mixed; boundary=x')).toBe(415);
    expect(status('multipart/form-data-x; boundary=x')).toBe(415);
  });

  it.each([
    ['missing', 'multipart/form-data'],
    ['given twice', 'multipart/form-data; boundary=a; boundary=b'],
    ['empty', 'multipart/form-data; boundary=""'],
    ['71 characters', `multipart/form-data; boundary=${'x'.repeat(71)}`],
    ['ending in a space', 'multipart/form-data; boundary="ab "'],
    ['with a character outside bchars', 'multipart/form-data; boundary="a@b"'],
    ['unquoted with a character outside tokens', 'multipart/form-data; boundary=a:b'],
  ])('answers 400 for a boundary %s', (_why, contentType) => {
    expect(status(contentType)).toBe(400);
  });

  it('says what was wrong, naming the value seen', () => {
    expect(() => multipartBoundary('text/plain')).toThrow(/multipart\/form-data.*"text\/plain"/);
    expect(() => multipartBoundary('multipart/form-data; boundary="a@b"')).toThrow(/"a@b".*RFC 2046/);
    expect(() => multipartBoundary('multipart/form-data')).toThrow(HttpError);
  });
});
