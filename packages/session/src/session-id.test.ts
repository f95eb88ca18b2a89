/** The base64url codec and ids, checked against Node's Buffer (the reference here, not used by the package). */
import fc from 'fast-check';
import { base64url, fromBase64url, isSessionId, newSessionId } from './session-id.js';

test('property: base64url agrees with Buffer, and decodes back to the same bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      const text = base64url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64url(text)).toEqual(bytes);
    }),
  );
});

test('only the canonical spelling decodes: spare bits set, a lone last character, other alphabets', () => {
  expect(fromBase64url('AB')).toBeUndefined(); // 'B' carries a spare bit for one byte
  expect(fromBase64url('AA')).toEqual(new Uint8Array([0]));
  expect(fromBase64url('AAAAA')).toBeUndefined();
  expect(fromBase64url('a+b/')).toBeUndefined();
  expect(fromBase64url('AA==')).toBeUndefined();
  expect(fromBase64url('')).toEqual(new Uint8Array(0));
});

test('ids: 32 base64url characters, of the shape isSessionId accepts', () => {
  const id = newSessionId();
  expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
  expect(isSessionId(id)).toBe(true);
  expect(isSessionId(id + 'A')).toBe(false);
  expect(isSessionId('../' + id.slice(3))).toBe(false);
});
