import fc from 'fast-check';
import { HttpError } from '@tsgi/core';
import { decodeForm, decodeJson, decodeText } from './decode.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodeJson', () => {
  test('parses UTF-8 JSON, with or without a charset parameter and a BOM', () => {
    expect(decodeJson(bytes('{"name":"zoë"}'), undefined, 'json()')).toEqual({ name: 'zoë' });
    expect(decodeJson(bytes('[1]'), 'UTF-8', 'json()')).toEqual([1]);
    expect(decodeJson(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('true')]), 'utf8', 'json()')).toBe(true);
  });

  test('malformed JSON: 400 with the parser\'s reason on one line', () => {
    let error: unknown;
    try {
      decodeJson(bytes('{"a": 1,}'), undefined, 'json()');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    expect((error as HttpError).message).toMatch(/^json\(\): the body is not valid JSON: \S.*$/);
    expect((error as HttpError).message).not.toContain('\n');
    expect((error as HttpError).expose).toBe(true);
  });

  test('an empty body and bad UTF-8 are 400s that say so; another charset is a 415', () => {
    expect(() => decodeJson(bytes('  \n'), undefined, 'json()')).toThrow(expect.objectContaining({ status: 400, message: 'json(): the body is empty; send a JSON value' }));
    expect(() => decodeJson(new Uint8Array([0x22, 0xff, 0x22]), undefined, 'json()')).toThrow(expect.objectContaining({ status: 400, message: 'json(): the body is not valid UTF-8' }));
    expect(() => decodeJson(bytes('{}'), 'latin1', 'json()')).toThrow(expect.objectContaining({ status: 415, message: 'json(): JSON must be UTF-8 (RFC 8259), got charset=latin1' }));
  });

  test('a U+FFFD the client sent is kept; bad bytes beside one are still a 400', () => {
    expect(decodeJson(bytes('"a\uFFFDb"'), undefined, 'json()')).toBe('a\uFFFDb');
    expect(decodeJson(bytes('["\uFFFD", "\\uFFFD"]'), undefined, 'json()')).toEqual(['\uFFFD', '\uFFFD']);
    const bad = new Uint8Array([...bytes('["\uFFFD", "'), 0xc3, ...bytes('"]')]);
    expect(() => decodeJson(bad, undefined, 'json()')).toThrow(expect.objectContaining({ status: 400, message: 'json(): the body is not valid UTF-8' }));
  });

  test('any bytes: valid UTF-8 parses as the strict decoder reads it, anything else is a 400 for UTF-8 or JSON', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (data) => {
        const body = new Uint8Array([0x22, ...data, 0x22]);
        let expected: string | undefined;
        try {
          expected = JSON.parse(strict.decode(body)) as string;
        } catch {
          expected = undefined;
        }
        if (expected !== undefined) return decodeJson(body, undefined, 'json()') === expected;
        try {
          decodeJson(body, undefined, 'json()');
          return false;
        } catch (error) {
          return error instanceof HttpError && error.status === 400;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decodeText', () => {
  test('honours the charset; UTF-8 by default; an unknown one is a 415', () => {
    expect(decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), 'ISO-8859-1', 'text()')).toBe('café');
    expect(decodeText(bytes('café'), undefined, 'text()')).toBe('café');
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x41, 0x00]), 'utf-16le', 'text()')).toBe('A');
    expect(() => decodeText(bytes('x'), 'klingon', 'text()')).toThrow(expect.objectContaining({ status: 415, message: 'text(): unsupported charset "klingon"; send UTF-8' }));
  });
});

describe('decodeForm', () => {
  test('WHATWG urlencoded: + is a space, escapes decoded, repeats kept, empty pairs skipped', () => {
    const form = decodeForm(bytes('a=1&b=two+words&a=%C3%A9&&c&d=%zz'), undefined, 1000, 'form()');
    expect([...form]).toEqual([
      ['a', '1'],
      ['b', 'two words'],
      ['a', 'é'],
      ['c', ''],
      ['d', '%zz'],
    ]);
  });

  test('1000 fields pass, 1001 are a 413 before any is decoded; empty pairs do not count', () => {
    const fields = (n: number): string => Array.from({ length: n }, (_, i) => `f${i}=${i}`).join('&');
    expect([...decodeForm(bytes(fields(1000)), undefined, 1000, 'form()')]).toHaveLength(1000);
    expect([...decodeForm(bytes(fields(1000) + '&&&&'), undefined, 1000, 'form()')]).toHaveLength(1000);
    expect(() => decodeForm(bytes(fields(1001)), undefined, 1000, 'form()')).toThrow(
      expect.objectContaining({ status: 413, message: 'form(): the form has more than 1000 fields; pass { maxFields } to accept more' }),
    );
  });

  test('another charset decodes each name and value in it', () => {
    const form = decodeForm(bytes('name=caf%E9&city=K%F6ln+Mitte'), 'iso-8859-1', 10, 'form()');
    expect([...form]).toEqual([
      ['name', 'café'],
      ['city', 'Köln Mitte'],
    ]);
  });

  test('property: any list of pairs survives URLSearchParams serialisation and decodeForm, in both charsets', () => {
    // Lone surrogates have no UTF-8 form: URLSearchParams would turn them into U+FFFD.
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { maxLength: 20 }), (pairs) => {
        const body = new URLSearchParams(pairs).toString();
        // Every pair comes back, ['', ''] too: it is sent as '='.
        expect([...decodeForm(bytes(body), undefined, 1000, 'form()')]).toEqual(pairs);
        // The same bytes through the per-field path (a UTF-8 label it does not take the fast path for).
        expect([...decodeForm(bytes(body), 'unicode-1-1-utf-8 ', 1000, 'form()')]).toEqual(pairs);
      }),
    );
  });
});
