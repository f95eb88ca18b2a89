/**
 * Constant-time checking of `user:password` against a fixed table of users.
 *
 * Every entry's `user:password` bytes are kept zero-padded to one width for the whole
 * table: 64 bytes, or the longest entry rounded up to a multiple of 64. A request's
 * bytes are copied into a zeroed buffer of that width and compared with the entry of
 * the user it names in constant time (node:crypto's `timingSafeEqual`, or an XOR over
 * every byte where there is no node:crypto), and the two lengths are compared as
 * numbers. An unknown user is compared against an entry that never matches. So every
 * request does one copy of at most the width (its own bytes: the client knows their
 * length) and one comparison of exactly the width, whoever it names and however long
 * its password is: timing tells neither whether the user exists nor the length of a
 * real password. (The width is one constant for the process: a client timing it could
 * at most learn that some password is longer than about 60 bytes.)
 *
 * Why no digest: an HMAC-SHA256 of the request's bytes under a random key, as this did
 * before, made the same promise with a fixed 32-byte comparison, but cost a node:crypto
 * Hmac object, three calls into C++ and four SHA-256 blocks on every request (about
 * 28,000 instructions with the comparison, counted by callgrind on Node 20;
 * docs/benchmarks.md), and a Promise per request where the HMAC is WebCrypto's. A
 * digest hides lengths; the fixed width does the same here, and the comparison
 * (`crypto.timingSafeEqual`) needs equal lengths anyway. Nothing random is made, so
 * nothing waits for a first request (Workers forbid random bytes at module scope).
 *
 * @example
 * const table = new CredentialTable({ alice: 's3cret' }, 'basicAuth: users');
 * table.check('alice', new TextEncoder().encode('alice:s3cret')); // true
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-4 (security considerations)
 * @see https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b
 * @module
 */
import type nodeCrypto from 'node:crypto';
import { nodeBuiltin } from '@tsgi/core';

let cryptoSource: typeof nodeCrypto | null | undefined;

/** node:crypto where the runtime has it (looked up on first use), else null. */
function nodeCryptoModule(): typeof nodeCrypto | null {
  return (cryptoSource ??= nodeBuiltin<typeof nodeCrypto>('node:crypto') ?? null);
}

/**
 * The comparison, held in an object so tests can count calls and compared lengths
 * through this seam. Internal: not exported from the package index.
 */
export const primitives = {
  /** Whether `a` and `b`, of equal length, hold the same bytes, looking at every byte. */
  equal(a: Uint8Array, b: Uint8Array): boolean {
    const node = nodeCryptoModule();
    if (node) return node.timingSafeEqual(a, b);
    // Equal lengths (one table's width): every byte is looked at, no early exit.
    let diff = a.byteLength ^ b.byteLength;
    for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
    return diff === 0;
  },
};

/** Characters a user table entry cannot hold: controls (RFC 7617 section 2) and lone surrogates. */
const UNUSABLE = /[\p{Cc}\p{Cs}]/u;

/** The comparison width's unit: every `user:password` of up to this many bytes is compared over this many. */
const WIDTH_STEP = 64;

export type UserTable = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

interface Entry {
  /** The `user:password` bytes, zero-padded to the table's width. */
  readonly padded: Uint8Array;
  /** Their length before padding; -1 for the entry of unknown users, which nothing matches. */
  readonly length: number;
}

export class CredentialTable {
  readonly #entries = new Map<string, Entry>();
  readonly #nobody: Entry;
  /** The request's bytes, zero-padded; zeroed again after each check. */
  readonly #given: Uint8Array;
  readonly #width: number;

  /** Checks `users` (naming `option` in any TypeError) and pads every entry to the table's width. */
  constructor(users: UserTable, option: string) {
    const entries = users instanceof Map ? [...users] : isRecord(users) ? Object.entries(users) : undefined;
    if (!entries) throw new TypeError(`${option} must be a Record or a Map of user -> password`);
    const encoder = new TextEncoder();
    const plain: Array<[string, Uint8Array]> = [];
    let longest = 0;
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
      const bytes = encoder.encode(`${user}:${password}`);
      longest = Math.max(longest, bytes.byteLength);
      plain.push([user, bytes]);
    }
    const width = (this.#width = Math.max(1, Math.ceil(longest / WIDTH_STEP)) * WIDTH_STEP);
    for (const [user, bytes] of plain) {
      const padded = new Uint8Array(width);
      padded.set(bytes);
      this.#entries.set(user, { padded, length: bytes.byteLength });
    }
    this.#nobody = { padded: new Uint8Array(width), length: -1 };
    this.#given = new Uint8Array(width);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The number of bytes every check compares. */
  get width(): number {
    return this.#width;
  }

  /**
   * Whether `userPass` (the decoded `user:password` bytes) matches the entry for
   * `user`. Always one copy and one comparison of the table's width; the facts are
   * combined with `&`, never a short-circuit.
   */
  check(user: string, userPass: Uint8Array): boolean {
    const entry = this.#entries.get(user);
    const found = entry !== undefined;
    const expected = found ? entry : this.#nobody;
    const given = this.#given;
    const width = this.#width;
    // Longer than the width: no entry is that long, and the lengths below differ.
    given.set(userPass.byteLength > width ? userPass.subarray(0, width) : userPass);
    const same = primitives.equal(given, expected.padded);
    // No password stays behind in the buffer; the next check finds it zeroed.
    given.fill(0);
    return (Number(same) & Number(userPass.byteLength === expected.length) & Number(found)) === 1;
  }
}

function isRecord(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
