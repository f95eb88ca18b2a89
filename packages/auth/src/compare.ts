/**
 * Constant-time checking of `user:password` against a fixed table of users.
 *
 * Each user's `user:password` is digested with HMAC-SHA256 under a random key; a
 * request digests what it was given and compares the two 32-byte digests in constant
 * time. An unknown user is compared against a dummy digest, so every request does one
 * HMAC and one 32-byte comparison whoever it names and however long its password is:
 * the timing tells neither whether the user exists nor the length of the real password.
 *
 * The key and the table's digests are made on the first check, not when the table is
 * built: Cloudflare Workers forbid random bytes at module scope, where a middleware
 * stack is usually composed. The HMAC is node:crypto's (synchronous) where the runtime
 * has it, WebCrypto's otherwise (Workers without nodejs_compat), and then `check`
 * answers with a Promise.
 *
 * @example
 * const table = new CredentialTable({ alice: 's3cret' }, 'basicAuth: users');
 * await table.check('alice', new TextEncoder().encode('alice:s3cret')); // true
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-4 (security considerations)
 * @see https://www.w3.org/TR/WebCryptoAPI/#hmac
 * @module
 */
import type nodeCrypto from 'node:crypto';
import type { webcrypto } from 'node:crypto';
import { isPromise, nodeBuiltin } from '@tsgi/core';

type Digest = Uint8Array | Promise<Uint8Array>;

let hmacSource: typeof nodeCrypto | null | undefined;

/** node:crypto where the runtime has it (looked up on first use), else null. */
function nodeHmac(): typeof nodeCrypto | null {
  return (hmacSource ??= nodeBuiltin<typeof nodeCrypto>('node:crypto') ?? null);
}

// One imported WebCrypto key per raw key.
const webKeys = new WeakMap<Uint8Array, Promise<webcrypto.CryptoKey>>();

async function webHmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  let imported = webKeys.get(key);
  if (imported === undefined) {
    imported = crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    webKeys.set(key, imported);
  }
  return new Uint8Array(await crypto.subtle.sign('HMAC', await imported, data));
}

/**
 * The two primitives, held in an object so tests can count calls and compared
 * lengths through this seam. Internal: not exported from the package index.
 */
export const primitives = {
  digest(key: Uint8Array, data: Uint8Array): Digest {
    const node = nodeHmac();
    return node ? node.createHmac('sha256', key).update(data).digest() : webHmac(key, data);
  },
  equal(a: Uint8Array, b: Uint8Array): boolean {
    const node = nodeHmac();
    if (node) return node.timingSafeEqual(a, b);
    // Equal lengths (two SHA-256 digests): every byte is looked at, no early exit.
    let diff = a.byteLength ^ b.byteLength;
    for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
    return diff === 0;
  },
};

/** Characters a user table entry cannot hold: controls (RFC 7617 section 2) and lone surrogates. */
const UNUSABLE = /[\p{Cc}\p{Cs}]/u;

export type UserTable = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

interface Keyed {
  key: Uint8Array;
  digests: Map<string, Uint8Array>;
  /** A digest of random bytes: the same length as a real one and never equal to one. */
  dummy: Uint8Array;
}

export class CredentialTable {
  /** `user:password` bytes by user, until the first check digests them. */
  readonly #plain: Array<[string, Uint8Array]> = [];
  #keyed: Keyed | Promise<Keyed> | undefined;

  /** Checks `users` (naming `option` in any TypeError); the digests are made on first use. */
  constructor(users: UserTable, option: string) {
    const entries = users instanceof Map ? [...users] : isRecord(users) ? Object.entries(users) : undefined;
    if (!entries) throw new TypeError(`${option} must be a Record or a Map of user -> password`);
    const encoder = new TextEncoder();
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
      this.#plain.push([user, encoder.encode(`${user}:${password}`)]);
    }
  }

  get size(): number {
    return this.#plain.length;
  }

  /**
   * Whether `userPass` (the decoded `user:password` bytes) matches the entry for
   * `user`. Always one digest and one comparison; the two facts are combined with
   * `&`, never a short-circuit. A Promise where the HMAC is WebCrypto's.
   */
  check(user: string, userPass: Uint8Array): boolean | Promise<boolean> {
    const keyed = (this.#keyed ??= this.#digestAll());
    if (isPromise(keyed)) return keyed.then((ready) => this.#checkWith(ready, user, userPass));
    return this.#checkWith(keyed, user, userPass);
  }

  #checkWith(keyed: Keyed, user: string, userPass: Uint8Array): boolean | Promise<boolean> {
    const given = primitives.digest(keyed.key, userPass);
    const compare = (digest: Uint8Array): boolean => {
      const expected = keyed.digests.get(user);
      const found = expected !== undefined;
      const same = primitives.equal(digest, found ? expected : keyed.dummy);
      return (Number(same) & Number(found)) === 1;
    };
    return isPromise(given) ? given.then(compare) : compare(given);
  }

  /** The key, every user's digest and the dummy: synchronous with node:crypto. */
  #digestAll(): Keyed | Promise<Keyed> {
    const key = crypto.getRandomValues(new Uint8Array(32));
    const users = this.#plain.map(([user]) => user);
    const digests = this.#plain.map(([, bytes]) => primitives.digest(key, bytes));
    digests.push(primitives.digest(key, crypto.getRandomValues(new Uint8Array(32))));
    const assemble = (done: Uint8Array[]): Keyed => {
      const keyed: Keyed = { key, digests: new Map(users.map((user, i) => [user, done[i]!])), dummy: done[users.length]! };
      this.#keyed = keyed;
      return keyed;
    };
    return digests.some(isPromise) ? Promise.all(digests).then(assemble) : assemble(digests as Uint8Array[]);
  }
}

function isRecord(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
