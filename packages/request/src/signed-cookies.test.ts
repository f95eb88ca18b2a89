import fc from 'fast-check';
import { cookieSigner, timingSafeEqual } from './signed-cookies.js';

const KEY_A = 'a'.repeat(16) + 'first-key-of-32-bytes!';
const KEY_B = new Uint8Array(32).fill(7);

test('sign appends a 43-character base64url HMAC; verify gives the value back', async () => {
  const signer = cookieSigner({ keys: [KEY_A] });
  const signed = await signer.sign('uid', '42');
  expect(signed).toMatch(/^42\.[A-Za-z0-9_-]{43}$/);
  expect(await signer.verify('uid', signed)).toBe('42');
  // A value with dots of its own: the signature is after the last one.
  expect(await signer.verify('v', await signer.sign('v', 'a.b.c'))).toBe('a.b.c');
});

test('a changed value, a changed signature, another cookie name, or no signature: undefined', async () => {
  const signer = cookieSigner({ keys: [KEY_A] });
  const signed = await signer.sign('uid', '42');
  const mac = signed.slice(3);
  expect(await signer.verify('uid', `43.${mac}`)).toBeUndefined();
  expect(await signer.verify('uid', `42.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
  expect(await signer.verify('admin', signed)).toBeUndefined();
  expect(await signer.verify('uid', '42')).toBeUndefined();
  expect(await signer.verify('uid', '42.')).toBeUndefined();
  expect(await signer.verify('uid', undefined)).toBeUndefined();
  expect(await signer.verify('uid', `42.${mac}=`)).toBeUndefined();
});

test('key rotation: signs with the first key, verifies with any', async () => {
  const old = cookieSigner({ keys: [KEY_A] });
  const rotated = cookieSigner({ keys: [KEY_B, KEY_A] });
  const fromOld = await old.sign('s', 'v');
  expect(await rotated.verify('s', fromOld)).toBe('v');
  const fromNew = await rotated.sign('s', 'v');
  expect(fromNew).not.toBe(fromOld);
  expect(await old.verify('s', fromNew)).toBeUndefined();
  expect(await cookieSigner({ keys: [KEY_B] }).verify('s', fromNew)).toBe('v');
});

test('keys are checked at once and imported on first use, not before', async () => {
  expect(() => cookieSigner({ keys: [] })).toThrow('cookieSigner: keys must be a non-empty list');
  expect(() => cookieSigner({ keys: ['short'] })).toThrow('cookieSigner: keys[0] is 5 bytes; use at least 32 random bytes');
  expect(() => cookieSigner({ keys: [KEY_A, 42 as unknown as string] })).toThrow('cookieSigner: keys[1] must be a string or a Uint8Array, got number');
  const importKey = jest.spyOn(crypto.subtle, 'importKey');
  try {
    const signer = cookieSigner({ keys: [KEY_A, KEY_B] });
    expect(importKey).not.toHaveBeenCalled();
    await signer.sign('a', 'b');
    await signer.verify('a', 'b.x');
    await signer.sign('a', 'c');
    expect(importKey).toHaveBeenCalledTimes(2); // once per key, for the signer's life
  } finally {
    importKey.mockRestore();
  }
});

test('a key given as bytes is copied: changing the caller\'s array later changes nothing', async () => {
  const key = new Uint8Array(32).fill(1);
  const signer = cookieSigner({ keys: [key] });
  const signed = await signer.sign('a', 'b');
  key.fill(2);
  expect(await signer.verify('a', signed)).toBe('b');
});

test('property: any value round-trips; any tampering with one character is caught', async () => {
  const signer = cookieSigner({ keys: [KEY_A] });
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 30 }), fc.nat(), async (value, at) => {
      const signed = await signer.sign('c', value);
      expect(await signer.verify('c', signed)).toBe(value);
      const i = at % signed.length;
      const changed = signed.slice(0, i) + (signed[i] === 'x' ? 'y' : 'x') + signed.slice(i + 1);
      expect(await signer.verify('c', changed)).toBeUndefined();
    }),
    { numRuns: 50 },
  );
});

test('timingSafeEqual', () => {
  expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
  expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
  expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
});
