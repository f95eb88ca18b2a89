import fc from 'fast-check';
import { bytesAsNative, decodeNative, encodeNative, isNativeString, nativeBytes } from './native-string.js';
import { decodePathInfo } from './cgi.js';

describe('native strings', () => {
  test('the guide example: /caf%C3%A9 decodes to /café', () => {
    const pathInfo = decodePathInfo('/caf%C3%A9');
    expect(pathInfo).toBe('/caf\u00c3\u00a9');
    expect(decodeNative(pathInfo)).toBe('/café');
  });

  test('encodeNative gives one char per UTF-8 byte', () => {
    expect(encodeNative('李')).toBe('\u00e6\u009d\u008e');
    expect(isNativeString(encodeNative('李'))).toBe(true);
    expect(isNativeString('李')).toBe(false);
  });

  test('any text survives encodeNative then decodeNative', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const native = encodeNative(text);
        expect(isNativeString(native)).toBe(true);
        expect(decodeNative(native)).toBe(text);
        expect(Buffer.from(nativeBytes(native)).equals(Buffer.from(text, 'utf8'))).toBe(true);
      }),
    );
  });

  test('a string that is not native is refused with the fix in the message', () => {
    expect(() => decodeNative('李')).toThrow(/not a native \(latin-1\) string: "李" has U\+674E at 0; use encodeNative/);
  });

  test('bytes that are not UTF-8 decode to U+FFFD', () => {
    expect(decodeNative('/\u00ff')).toBe('/\ufffd');
  });
});

describe('native strings without Buffer', () => {
  test('agree with Buffer on any bytes and any text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), (bytes) => {
        const text = bytesAsNative(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('latin1'));
        expect(nativeBytes(text)).toEqual(bytes);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const spelled = encodeNative(text);
        expect(spelled).toBe(Buffer.from(text, 'utf8').toString('latin1'));
        expect(decodeNative(spelled, { fatal: true })).toBe(text);
      }),
    );
  });

  test('fatal refuses what is not UTF-8; without it, U+FFFD', () => {
    expect(() => decodeNative('\xff\xfe', { fatal: true })).toThrow(); // the decoder's TypeError, from Node's realm under jest
    expect(decodeNative('\xff')).toBe('\ufffd');
    expect(encodeNative('/plain/ascii')).toBe('/plain/ascii');
  });
});
