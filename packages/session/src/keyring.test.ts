/**
 * The keyring's two engines, node:crypto and WebCrypto, give the same boxes: each opens
 * what the other sealed, with rotation, and both refuse any changed byte.
 */
import fc from 'fast-check';
import { Keyring, type CipherEngine } from './keyring.js';

const KEYS = ['secret one, at least thirty-two bytes long', new Uint8Array(32).fill(3)];
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

test('where node:crypto is present it is used; WebCrypto can be asked for', () => {
  expect(new Keyring(KEYS, 'test').engine).toBe('node');
  expect(new Keyring(KEYS, 'test', 'web').engine).toBe('web');
});

test.each<[CipherEngine, CipherEngine]>([
  ['node', 'web'],
  ['web', 'node'],
  ['node', 'node'],
  ['web', 'web'],
])('property: sealed by %s, opened by %s, for the same context only', async (sealer, opener) => {
  const seal = new Keyring(KEYS, 'test', sealer);
  const open = new Keyring(KEYS, 'test', opener);
  await fc.assert(
    fc.asyncProperty(fc.string(), async (text) => {
      const box = await seal.seal(encode(text), 'sid');
      expect(await open.open(box, 'sid')).toEqual(encode(text));
      expect(await open.open(box, 'other')).toBeUndefined();
    }),
    { numRuns: 50 },
  );
});

test.each<CipherEngine>(['node', 'web'])('%s: rotation (opened by a later key of the ring) and any changed byte refused', async (engine) => {
  const old = new Keyring([KEYS[1]!], 'test', engine);
  const ring = new Keyring(KEYS, 'test', engine);
  const box = await old.seal(encode('{"data":{}}'), 'sid');
  expect(await ring.open(box, 'sid')).toEqual(encode('{"data":{}}'));
  expect(await new Keyring([KEYS[0]!], 'test', engine).open(box, 'sid')).toBeUndefined();
  for (let at = 0; at < box.byteLength; at++) {
    const changed = box.slice();
    changed[at]! ^= 1;
    expect(await ring.open(changed, 'sid')).toBeUndefined();
  }
  expect(await ring.open(box.subarray(0, 28), 'sid')).toBeUndefined();
});
