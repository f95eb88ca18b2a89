import fc from 'fast-check';
import { escapeLine, escapeLogItem, jsonString } from './escape.js';

/** Undoes escapeLogItem back to bytes (latin-1 string), to prove the escaping loses nothing. */
function unescapeLogItem(text: string): string {
  const simple: Record<string, string> = { b: '\b', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' };
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      out += text[i];
    } else if (text[i + 1] === 'x') {
      out += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      out += simple[text[i + 1]!];
      i += 1;
    }
  }
  return out;
}

describe('escapeLogItem (Apache ap_escape_logitem)', () => {
  it('returns plain printable ASCII as the same string', () => {
    const value = 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0';
    expect(escapeLogItem(value)).toBe(value);
  });

  it('uses C escapes for \\b \\n \\r \\t \\v, backslashes quotes and backslashes', () => {
    expect(escapeLogItem('a\b\n\r\t\vz')).toBe('a\\b\\n\\r\\t\\vz');
    expect(escapeLogItem('say "hi" \\o/')).toBe('say \\"hi\\" \\\\o/');
  });

  it('writes other controls, DEL and every byte >= 0x80 as lowercase \\xhh', () => {
    expect(escapeLogItem('\x1b[31mred\x1b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(escapeLogItem('\x00\x7f\x85\x9b\xff')).toBe('\\x00\\x7f\\x85\\x9b\\xff');
    // UTF-8 "é" as the gateway hands it over (latin-1 bytes as a string).
    expect(escapeLogItem('caf\xc3\xa9')).toBe('caf\\xc3\\xa9');
  });

  it('writes code points above U+00FF as the bytes of their UTF-8 encoding', () => {
    expect(escapeLogItem('a\u2028b\u2029c')).toBe('a\\xe2\\x80\\xa8b\\xe2\\x80\\xa9c');
    expect(escapeLogItem('😀')).toBe('\\xf0\\x9f\\x98\\x80');
    expect(escapeLogItem('\ud800')).toBe('\\xef\\xbf\\xbd');
  });

  it('property: output is printable ASCII, has no bare quote, and unescapes to the input bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)) }), (value) => {
        const escaped = escapeLogItem(value);
        expect(escaped).toMatch(/^[\x20-\x7e]*$/);
        // Every quote is preceded by an odd run of backslashes, i.e. it is escaped.
        expect(escaped.replace(/\\[\\"]/g, '')).not.toContain('"');
        expect(unescapeLogItem(escaped)).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('property: any JS string comes out as one line of printable ASCII', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        expect(escapeLogItem(value)).toMatch(/^[\x20-\x7e]*$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('jsonString', () => {
  it('is JSON.stringify when nothing more is needed', () => {
    expect(jsonString('a"b\n')).toBe(JSON.stringify('a"b\n'));
  });

  it('also escapes DEL, C1 controls and U+2028/U+2029', () => {
    expect(jsonString('\x7f\x85\x9b\u2028\u2029')).toBe('"\\u007f\\u0085\\u009b\\u2028\\u2029"');
  });

  it('property: parses back to the input and holds no line break or control', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const json = jsonString(value);
        expect(JSON.parse(json)).toBe(value);
        expect(json).not.toMatch(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('escapeLine', () => {
  it('leaves quotes and backslashes (the format owns them) but escapes controls and separators', () => {
    expect(escapeLine('x "y" \\ z')).toBe('x "y" \\ z');
    expect(escapeLine('a\r\nb\x1b\x85\u2028')).toBe('a\\x0d\\x0ab\\x1b\\x85\\u2028');
  });

  it('property: never contains a line break', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        expect(escapeLine(value)).not.toMatch(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/);
      }),
      { numRuns: 500 },
    );
  });
});
