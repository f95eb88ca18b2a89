/**
 * Password storage with scrypt (node:crypto), a memory-hard function: each guess
 * costs an attacker 16 MiB of memory as well as time (N = 2^14, r = 8, p = 1, the
 * parameters RFC 7914 and OWASP list for interactive logins). The stored form names
 * its parameters (`scrypt$N$r$p$salt$hash`), so they can be raised later and old
 * hashes still verify. Hashes are compared in constant time, and a login for an
 * unknown email still runs one scrypt, so its timing does not tell which emails exist.
 *
 * @example
 * const stored = await hashPassword('correct horse');
 * await verifyPassword('correct horse', stored); // true
 * @see https://www.rfc-editor.org/rfc/rfc7914 (scrypt)
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 2 ** 14, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: above 128 * N * r (16 MiB here) or node refuses.
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

// Verified against when the email is unknown: the same work as a real check.
let decoy: Promise<string> | undefined;

/** Whether `password` matches `stored`; `stored` undefined (no such user) still costs one scrypt. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  if (stored === undefined) {
    await verifyPassword(password, await (decoy ??= hashPassword('decoy password, never matches')));
    return false;
  }
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || hash === undefined) throw new Error('a stored password hash is not in the scrypt$N$r$p$salt$hash form');
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt!, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
