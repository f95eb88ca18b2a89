import { HttpError } from '@tsgi/core';
import { decodeExtValue, parseParams } from './params.js';

const params = (text: string): Record<string, string> => Object.fromEntries(parseParams(text, text.indexOf(';'), 'Test'));

describe('parseParams', () => {
  it('reads tokens and quoted-strings, names lower-cased', () => {
    expect(params('form-data; Name="a b"; x=tok; y=""')).toEqual({ name: 'a b', x: 'tok', y: '' });
  });

  it('unescapes \\" and \\\\ but keeps other backslashes (browsers do not escape them)', () => {
    expect(params(String.raw`t; a="say \"hi\""; b="C:\Users\me\a.txt"; c="x\\y"`)).toEqual({
      a: 'say "hi"',
      b: String.raw`C:\Users\me\a.txt`,
      c: String.raw`x\y`,
    });
  });

  it('keeps a semicolon inside quotes and accepts a trailing ";"', () => {
    expect(params('t; a="x;y=z";')).toEqual({ a: 'x;y=z' });
  });

  it('decodes RFC 8187 ext-values under the name with its star', () => {
    expect(params("t; filename*=UTF-8''%E2%82%AC%20rates.txt; n*=iso-8859-1'en'%E9")).toEqual({
      'filename*': '€ rates.txt',
      'n*': 'é',
    });
  });

  it.each([
    ['a parameter given twice', 't; name="a"; NAME="b"'],
    ['an unterminated quote', 't; name="abc'],
    ['a missing "="', 't; name'],
    ['a missing value', 't; name='],
    ['junk between parameters', 't; a=b c=d'],
    ['a quoted ext-value', `t; filename*="UTF-8''a"`],
    ['an unknown charset', "t; filename*=KOI8-R''%C1"],
    ['invalid UTF-8 in an ext-value', "t; filename*=UTF-8''%FF"],
    ['a bad percent escape', "t; filename*=UTF-8''%G1"],
  ])('refuses %s with a 400', (_why, text) => {
    let caught: unknown;
    try {
      parseParams(text, text.indexOf(';'), 'Test');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HttpError);
    expect((caught as HttpError).status).toBe(400);
    expect((caught as HttpError).message).toContain('Test header');
  });

  it('decodeExtValue needs a charset and two quotes', () => {
    expect(decodeExtValue("utf-8''abc")).toBe('abc');
    expect(decodeExtValue("''abc")).toBeUndefined();
    expect(decodeExtValue('utf-8abc')).toBeUndefined();
  });
});
