/**
 * Constant-time checking of `user:password` against a fixed table of users.
 *
 * Each user's `user:password` is digested at factory time with HMAC-SHA256 under a
 * random per-process key; a request digests what it was given and compares the two
 * 32-byte digests with `crypto.timingSafeEqual`. An unknown user is compared
 * against a dummy digest, so every request does one HMAC and one 32-byte
 * comparison whoever it names and however long its password is: the timing tells
 * neither whether the user exists nor the length of the real password.
 *
 * @example
 * const table = new CredentialTable({ alice: 's3cret' }, 'basicAuth: users');
 * table.check('alice', Buffer.from('alice:s3cret')); // true
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-4 (security considerations)
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The two primitives, held in an object so tests can count calls and compared
 * lengths through this seam. Internal: not exported from the package index.
 */
export const primitives = {
  digest(key: Buffer, data: Uint8Array): Buffer {
    return createHmac('sha256', key).update(data).digest();
  },
  equal(a: Uint8Array, b: Uint8Array): boolean {
    return timingSafeEqual(a, b);
  },
};

// Created on first use, not at import: no work at import time, one key per process.
let processKey: Buffer | undefined;

function hmacKey(): Buffer {
  return (processKey ??= randomBytes(32));
}

/** Characters a user table entry cannot hold: controls (RFC 7617 section 2) and lone surrogates. */
const UNUSABLE = /[\p{Cc}\p{Cs}]/u;

export type UserTable = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

export class CredentialTable {
  readonly #key: Buffer;
  readonly #digests = new Map<string, Buffer>();
  readonly #dummy: Buffer;

  /** Checks `users` (naming `option` in any TypeError) and precomputes every digest. */
  constructor(users: UserTable, option: string) {
    const entries = users instanceof Map ? [...users] : isRecord(users) ? Object.entries(users) : undefined;
    if (!entries) throw new TypeError(`${option} must be a Record or a Map of user -> password`);
    this.#key = hmacKey();
    for (const [user, password] of entries) {
      if (typeof user !== 'string' || typeof password !== 'string') {
        throw new TypeError(`${option}: user names and passwords must be strings (user ${JSON.stringify(user)})`);
      }
      if (user.includes(':')) {
        throw new TypeError(`${option}: user ${JSON.stringify(user)} contains ':', which RFC 7617 does not allow`);
      }
      if (UNUSABLE.test(user) || UNUSABLE.test(password)) {
        throw new TypeError(
          `${option}: user ${JSON.stringify(user)} has a control character or lone surrogate in its name or password; no client could send it`,
        );
      }
      this.#digests.set(user, primitives.digest(this.#key, Buffer.from(`${user}:${password}`, 'utf8')));
    }
    // A digest of random bytes: the same length as a real one and never equal to one.
    this.#dummy = primitives.digest(this.#key, randomBytes(32));
  }

  get size(): number {
    return this.#digests.size;
  }

  /**
   * Whether `userPass` (the decoded `user:password` bytes) matches the entry for
   * `user`. Always one digest and one comparison; the two facts are combined with
   * `&`, never a short-circuit.
   */
  check(user: string, userPass: Uint8Array): boolean {
    const given = primitives.digest(this.#key, userPass);
    const expected = this.#digests.get(user);
    const found = expected !== undefined;
    const same = primitives.equal(given, found ? expected : this.#dummy);
    return (Number(same) & Number(found)) === 1;
  }
}

function isRecord(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
