import fc from 'fast-check';
import { HttpError } from '@tsgi/core';
import { baseName, parsePartHeaders } from './part-headers.js';

const encoder = new TextEncoder();
const parse = (...lines: string[]) => parsePartHeaders(encoder.encode(lines.join('\r\n')), 3);

function refusal(...lines: string[]): string {
  try {
    parse(...lines);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    return (error as HttpError).message;
  }
  throw new Error('expected a 400');
}

describe('parsePartHeaders', () => {
  it('reads a field: name, text/plain by default, headers lower-cased', () => {
    const head = parse('content-disposition: form-data; name="title"', 'X-Extra:  yes ');
    expect(head).toMatchObject({ name: 'title', filename: undefined, contentType: 'text/plain' });
    expect(head.headers.get('x-extra')).toBe('yes');
  });

  it('reads a file: base name, raw name, application/octet-stream by default', () => {
    expect(parse('Content-Disposition: form-data; name="f"; filename="../../etc/passwd"')).toMatchObject({
      name: 'f',
      filename: 'passwd',
      rawFilename: '../../etc/passwd',
      contentType: 'application/octet-stream',
    });
  });

  it('prefers filename* and name* and decodes UTF-8 header bytes', () => {
    const head = parse(`Content-Disposition: form-data; name="名前"; filename="EUR rates.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt`, 'Content-Type: text/csv');
    expect(head).toMatchObject({ name: '名前', filename: '€ rates.txt', contentType: 'text/csv' });
  });

  it('falls back to ISO-8859-1 for header bytes that are not UTF-8', () => {
    const block = new Uint8Array([...encoder.encode('Content-Disposition: form-data; name="caf'), 0xe9, 0x22]);
    expect(parsePartHeaders(block, 1).name).toBe('café');
  });

  it('keeps a file name that is empty (a browser with no file chosen)', () => {
    expect(parse('Content-Disposition: form-data; name="f"; filename=""').filename).toBe('');
  });

  it('refuses header folding', () => {
    expect(refusal('Content-Disposition: form-data;', ' name="a"')).toMatch(/part 3: .*folded.*obs-fold/);
  });

  it('refuses a part without Content-Disposition, or with another type, or without a name', () => {
    expect(refusal('Content-Type: text/plain')).toMatch(/no Content-Disposition/);
    expect(parsePartHeaders.bind(null, new Uint8Array(0), 1)).toThrow(/no Content-Disposition/);
    expect(refusal('Content-Disposition: attachment; name="a"')).toMatch(/must be form-data/);
    expect(refusal('Content-Disposition: form-data; filename="a"')).toMatch(/no name parameter/);
  });

  it('refuses duplicate Content-Disposition or Content-Type, but joins other repeated headers', () => {
    expect(refusal('Content-Disposition: form-data; name="a"', 'Content-Disposition: form-data; name="b"')).toMatch(/given twice/);
    expect(refusal('Content-Disposition: form-data; name="a"', 'Content-Type: a/b', 'content-type: c/d')).toMatch(/given twice/);
    expect(parse('Content-Disposition: form-data; name="a"', 'X-A: 1', 'x-a: 2').headers.get('x-a')).toBe('1, 2');
  });

  it('refuses control characters, bare CR or LF, and lines that are not Name: value', () => {
    expect(refusal('Content-Disposition: form-data; name="a\x00"')).toMatch(/control/);
    expect(refusal('Content-Disposition: form-data; name="a"\nX: y')).toMatch(/bare CR, LF/);
    expect(refusal('Content-Disposition: form-data; name="a"', 'no colon here')).toMatch(/not "Name: value"/);
    expect(refusal('Content-Disposition : form-data; name="a"')).toMatch(/not "Name: value"/);
  });
});

describe('the fast path for a simple field', () => {
  /** The result, or the error message: what the two paths must agree on. */
  const outcome = (text: string): unknown => {
    try {
      const head = parsePartHeaders(encoder.encode(text), 1);
      return { ...head, headers: [...head.headers] };
    } catch (error) {
      return (error as Error).message.toLowerCase(); // the message quotes the line as sent
    }
  };

  it('reads a field exactly as the general path does (which a lower-case header name takes)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0x1f, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 70 }), (name) => {
        const fast = outcome(`Content-Disposition: form-data; name="${name}"`);
        const general = outcome(`content-disposition: form-data; name="${name}"`);
        expect(fast).toEqual(general);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('baseName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\win.ini', 'win.ini'],
    ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
    ['dir/sub\\mixed/name.txt', 'name.txt'],
    ['/abs/', ''],
    ['..', ''],
    ['a/..', ''],
    ['.', ''],
    ['evil\x00.txt\x1b[31m', 'evil.txt[31m'],
    ['ok\u0085name', 'okname'],
    ['plain.txt', 'plain.txt'],
    ['ünï cødé.txt', 'ünï cødé.txt'],
  ])('%j -> %j', (raw, expected) => {
    expect(baseName(raw)).toBe(expected);
  });
});
