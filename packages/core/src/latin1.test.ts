import fc from 'fast-check';
import { bytesAsLatin1, latin1AsUtf8, latin1Bytes, utf8AsLatin1 } from './latin1.js';

describe('latin1 helpers (no Buffer)', () => {
  it('agree with Buffer on any bytes and any text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), (bytes) => {
        const text = bytesAsLatin1(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('latin1'));
        expect(latin1Bytes(text)).toEqual(bytes);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const spelled = utf8AsLatin1(text);
        expect(spelled).toBe(Buffer.from(text, 'utf8').toString('latin1'));
        expect(latin1AsUtf8(spelled)).toBe(text);
      }),
    );
  });

  it('refuse what is not bytes or not UTF-8', () => {
    expect(latin1Bytes('caf\u20ac')).toBeUndefined();
    expect(() => latin1AsUtf8('\u20ac\xe9')).toThrow(/above U\+00FF/);
    expect(() => latin1AsUtf8('\xff\xfe')).toThrow(); // the decoder's TypeError, from Node's realm under jest
    expect(utf8AsLatin1('/plain/ascii')).toBe('/plain/ascii');
  });
});
