import { CredentialTable, primitives } from './compare.js';

const userPass = (user: string, password: string) => Buffer.from(`${user}:${password}`);

describe('CredentialTable', () => {
  afterEach(() => jest.restoreAllMocks());

  it('accepts the right password and refuses a wrong one or an unknown user', () => {
    const table = new CredentialTable(new Map([['alice', 's3cret'], ['zoë', 'пароль']]), 'users');
    expect(table.size).toBe(2);
    expect(table.check('alice', userPass('alice', 's3cret'))).toBe(true);
    expect(table.check('zoë', userPass('zoë', 'пароль'))).toBe(true);
    expect(table.check('alice', userPass('alice', 's3cre'))).toBe(false);
    expect(table.check('alice', userPass('alice', 's3cret '))).toBe(false);
    expect(table.check('bob', userPass('bob', 's3cret'))).toBe(false);
    // The user looked up and the bytes digested must agree.
    expect(table.check('bob', userPass('alice', 's3cret'))).toBe(false);
  });

  it('refuses an unknown user even when the comparison says equal', () => {
    const table = new CredentialTable({ alice: 'x' }, 'users');
    const equal = jest.spyOn(primitives, 'equal').mockReturnValue(true);
    expect(table.check('mallory', userPass('mallory', 'x'))).toBe(false);
    // ...and a known user whose bytes only match once zero-padded (the lengths differ).
    expect(table.check('alice', userPass('alice', 'x\x00'))).toBe(false);
    expect(equal).toHaveBeenCalledTimes(2);
  });

  it('refuses bytes that match an entry only up to its padding, or past the width', () => {
    const table = new CredentialTable({ alice: 'pw' }, 'users');
    expect(table.width).toBe(64);
    expect(table.check('alice', Buffer.concat([userPass('alice', 'pw'), Buffer.alloc(3)]))).toBe(false);
    expect(table.check('alice', Buffer.concat([userPass('alice', 'pw'), Buffer.alloc(100)]))).toBe(false);
    expect(table.check('alice', userPass('alice', 'p'))).toBe(false);
    expect(table.check('alice', userPass('alice', 'pw'))).toBe(true);
  });

  it('pads to the longest entry rounded up to 64 bytes, and still tells the long passwords apart', () => {
    const long = 'L'.repeat(130);
    const table = new CredentialTable({ alice: long, bob: 'b' }, 'users');
    expect(table.width).toBe(192);
    expect(table.check('alice', userPass('alice', long))).toBe(true);
    expect(table.check('alice', userPass('alice', long.slice(0, -1) + 'M'))).toBe(false);
    expect(table.check('alice', userPass('alice', long + 'L'.repeat(200)))).toBe(false);
    expect(table.check('bob', userPass('bob', 'b'))).toBe(true);
  });

  it('does the same comparison whether the user exists and whatever the password length', () => {
    const table = new CredentialTable({ alice: 's3cret', bob: 'x'.repeat(64) }, 'users');
    const equal = jest.spyOn(primitives, 'equal');
    const cases: Array<[string, string]> = [
      ['alice', 's3cret'], // existing user, right password
      ['alice', 'wrong'], // existing user, wrong password
      ['nobody', 's3cret'], // unknown user
      ['alice', 'p'.repeat(100_000)], // very long password
      ['bob', ''], // a user whose real password is longer than the one given
      ['bob', 'x'.repeat(64)], // the longest entry, right password
    ];
    const work = cases.map(([user, password]) => {
      equal.mockClear();
      const verdict = table.check(user, userPass(user, password));
      return { verdict, comparisons: equal.mock.calls.map(([a, b]) => [a.byteLength, b.byteLength]) };
    });
    expect(work.map((w) => w.verdict)).toEqual([true, false, false, false, false, true]);
    // bob:xxx... is 68 bytes: every check compares 128 bytes, whoever it names.
    for (const w of work) expect(w.comparisons).toEqual([[128, 128]]);
  });

  it('leaves no password in its buffer after a check', () => {
    const table = new CredentialTable({ alice: 's3cret' }, 'users');
    const seen: Uint8Array[] = [];
    jest.spyOn(primitives, 'equal').mockImplementation((a) => {
      seen.push(a);
      return false;
    });
    void table.check('alice', userPass('alice', 'guess'));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.every((byte) => byte === 0)).toBe(true);
  });

  it('makes no random bytes and no digest, at construction or per check (Workers forbid random bytes at module scope)', () => {
    const random = jest.spyOn(crypto, 'getRandomValues');
    const table = new CredentialTable({ alice: 's3cret', bob: 'pw' }, 'users');
    expect(table.check('bob', userPass('bob', 'pw'))).toBe(true);
    expect(table.check('alice', userPass('alice', 's3cret'))).toBe(true);
    expect(random).not.toHaveBeenCalled();
  });

  it('checks synchronously with its own comparison where the runtime has no node:crypto', () => {
    const proc = process as unknown as { getBuiltinModule?: unknown };
    const original = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      let Table: typeof CredentialTable | undefined;
      jest.isolateModules(() => {
        Table = (jest.requireActual('./compare.js') as { CredentialTable: typeof CredentialTable }).CredentialTable;
      });
      const table = new Table!({ alice: 's3cret', 'zoë': 'пароль' }, 'users');
      const verdicts = [
        table.check('alice', userPass('alice', 's3cret')),
        table.check('zoë', userPass('zoë', 'пароль')),
        table.check('alice', userPass('alice', 's3cre')),
        table.check('alice', userPass('alice', 's3creT')),
        table.check('bob', userPass('bob', 's3cret')),
        table.check('bob', userPass('alice', 's3cret')),
      ];
      expect(verdicts).toEqual([true, true, false, false, false, false]);
    } finally {
      proc.getBuiltinModule = original;
    }
  });

  it('checks the table at factory time, naming the option', () => {
    expect(() => new CredentialTable({ 'a:b': 'x' }, 'basicAuth: users')).toThrow(/basicAuth: users.*':'/);
    expect(() => new CredentialTable({ 'a\nb': 'x' }, 'basicAuth: users')).toThrow(/control character/);
    expect(() => new CredentialTable({ a: 'x\x00' }, 'basicAuth: users')).toThrow(/control character/);
    expect(() => new CredentialTable({ a: '\ud800' }, 'basicAuth: users')).toThrow(/lone surrogate/);
    expect(() => new CredentialTable({ a: 1 } as never, 'basicAuth: users')).toThrow(/must be strings/);
    expect(() => new CredentialTable([['a', 'b']] as never, 'basicAuth: users')).toThrow(/Record or a Map/);
    expect(() => new CredentialTable(null as never, 'basicAuth: users')).toThrow(/Record or a Map/);
  });
});
