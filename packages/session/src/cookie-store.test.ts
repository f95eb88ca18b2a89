/**
 * cookieStore() on its own: what seals opens, with any key of the ring and for the
 * same cookie name only; any changed character, a cut, another key or another name
 * opens to nothing; the 4096-byte limit; keys checked at setup.
 */
import fc from 'fast-check';
import { COOKIE_LIMIT, cookieStore } from './cookie-store.js';
import { Keyring } from './keyring.js';
import { newSessionId } from './session-id.js';
import type { SealedSession } from './store.js';

const KEY_A = 'first secret: 32 bytes or more of randomness!!';
const KEY_B = new Uint8Array(32).fill(7);

function sealed(data: Record<string, unknown>): SealedSession {
  return { id: newSessionId(), data, created: 1_700_000_000_000, expires: 1_700_000_060_000 };
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** JSON values as JSON.parse gives them back (no -0, no undefined). */
const jsonData = fc.dictionary(fc.string(), fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown), { maxKeys: 8 });

test('property: any JSON data seals and opens to the same session', async () => {
  const store = cookieStore({ keys: [KEY_A] });
  await fc.assert(
    fc.asyncProperty(jsonData, async (data) => {
      const session = sealed(data);
      let value: string;
      try {
        value = await store.seal('sid', session);
      } catch (error) {
        // Only the size limit may refuse a session.
        expect(String(error)).toMatch(/over the 4096 bytes browsers keep/);
        return;
      }
      expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(await store.open('sid', value)).toEqual(session);
    }),
    { numRuns: 200 },
  );
});

test('property: any single changed character of the cookie value opens to nothing', async () => {
  const store = cookieStore({ keys: [KEY_A] });
  const value = await store.seal('sid', sealed({ user: 'alice', roles: ['admin'] }));
  await fc.assert(
    fc.asyncProperty(fc.nat(value.length - 1), fc.constantFrom(...BASE64URL), async (at, char) => {
      fc.pre(value[at] !== char);
      const changed = value.slice(0, at) + char + value.slice(at + 1);
      expect(await store.open('sid', changed)).toBeUndefined();
    }),
    { numRuns: 300 },
  );
});

test('property: any single changed byte of the sealed box opens to nothing', async () => {
  const ring = new Keyring([KEY_A], 'test');
  const plaintext = new TextEncoder().encode('{"data":{}}');
  const box = await ring.seal(plaintext, 'sid');
  expect(await ring.open(box, 'sid')).toEqual(plaintext);
  await fc.assert(
    fc.asyncProperty(fc.nat(box.length - 1), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
      const changed = box.slice();
      changed[at]! ^= xor;
      expect(await ring.open(changed, 'sid')).toBeUndefined();
    }),
    { numRuns: 300 },
  );
});

test('truncated, extended, another cookie name, another key: nothing', async () => {
  const store = cookieStore({ keys: [KEY_A] });
  const value = await store.seal('sid', sealed({ n: 1 }));
  for (let cut = 0; cut < value.length; cut += 7) expect(await store.open('sid', value.slice(0, cut))).toBeUndefined();
  expect(await store.open('sid', value + 'A')).toBeUndefined();
  expect(await store.open('other', value)).toBeUndefined();
  expect(await cookieStore({ keys: [KEY_B] }).open('sid', value)).toBeUndefined();
  expect(await store.open('sid', 'not base64!')).toBeUndefined();
});

test('rotation: sealed with the first key, opened with any listed; gone once the key is removed', async () => {
  const old = cookieStore({ keys: [KEY_B] });
  const rotated = cookieStore({ keys: [KEY_A, KEY_B] });
  const session = sealed({ user: 'alice' });
  const byOld = await old.seal('sid', session);
  expect(await rotated.open('sid', byOld)).toEqual(session);
  const byNew = await rotated.seal('sid', session);
  expect(await cookieStore({ keys: [KEY_A] }).open('sid', byNew)).toEqual(session);
  expect(await old.open('sid', byNew)).toBeUndefined();
  expect(await cookieStore({ keys: [KEY_A] }).open('sid', byOld)).toBeUndefined();
});

test('a well-sealed payload that is not a session opens to nothing', async () => {
  const ring = new Keyring([KEY_A], 'cookieStore');
  const store = cookieStore({ keys: [KEY_A] });
  const { base64url } = await import('./session-id.js');
  for (const text of ['[]', '{"data":{},"created":1,"expires":2,"id":"short"}', '{"id":1}', 'not json', '\u00ff']) {
    const value = base64url(await ring.seal(new TextEncoder().encode(text), 'sid'));
    expect(await store.open('sid', value)).toBeUndefined();
  }
});

test('the 4096-byte limit counts the name and the sealed value, and the error names the size', async () => {
  const store = cookieStore({ keys: [KEY_A] });
  // Base64url of (29 bytes of overhead + JSON): find the largest value that fits.
  const session = (n: number): SealedSession => sealed({ blob: 'x'.repeat(n) });
  let fits = 0;
  for (let n = 2900; n < 3100; n++) {
    try {
      const value = await store.seal('sid', session(n));
      expect(4 + value.length).toBeLessThanOrEqual(COOKIE_LIMIT);
      fits = n;
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(/^cookieStore: the session cookie "sid" would be 409[7-9] bytes, over the 4096 bytes browsers keep/);
      break;
    }
  }
  expect(fits).toBeGreaterThan(2900);
});

test('keys are checked when the store is made: a TypeError naming the bad one', () => {
  expect(() => cookieStore({ keys: [] })).toThrow(/cookieStore: keys must be a non-empty list of secrets/);
  expect(() => cookieStore({ keys: ['short'] })).toThrow('cookieStore: keys[0] is 5 bytes; a secret must be at least 32 bytes of randomness');
  expect(() => cookieStore({ keys: [KEY_A, new Uint8Array(16)] })).toThrow(/keys\[1\] is 16 bytes/);
  expect(() => cookieStore({ keys: [KEY_A, 42 as unknown as string] })).toThrow('cookieStore: keys[1] must be a string or a Uint8Array, got number');
  expect(() => cookieStore(undefined as never)).toThrow(/options must be an object/);
});

test('without WebCrypto there is no store at all, never a plain-text one', () => {
  // subtle is an accessor of Crypto.prototype: shadow it on the instance, then remove the shadow.
  Object.defineProperty(globalThis.crypto, 'subtle', { value: undefined, configurable: true });
  try {
    expect(() => cookieStore({ keys: [KEY_A] })).toThrow(/WebCrypto \(globalThis\.crypto\.subtle\) is not available/);
  } finally {
    delete (globalThis.crypto as { subtle?: unknown }).subtle;
  }
  expect(typeof globalThis.crypto.subtle.encrypt).toBe('function');
});
