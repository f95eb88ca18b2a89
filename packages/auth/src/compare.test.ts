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

  it('refuses an unknown user even when the dummy digest is hit directly', () => {
    const table = new CredentialTable({ alice: 'x' }, 'users');
    const equal = jest.spyOn(primitives, 'equal').mockReturnValue(true);
    expect(table.check('mallory', userPass('mallory', 'x'))).toBe(false);
    expect(equal).toHaveBeenCalledTimes(1);
  });

  it('does the same work whether the user exists and whatever the password length', () => {
    const table = new CredentialTable({ alice: 's3cret', bob: 'x'.repeat(64) }, 'users');
    // The first check also digests the table (see the next test); count from the second.
    void table.check('alice', userPass('alice', 's3cret'));
    const digest = jest.spyOn(primitives, 'digest');
    const equal = jest.spyOn(primitives, 'equal');
    const cases: Array<[string, string]> = [
      ['alice', 's3cret'], // existing user, right password
      ['alice', 'wrong'], // existing user, wrong password
      ['nobody', 's3cret'], // unknown user
      ['alice', 'p'.repeat(100_000)], // very long password
      ['bob', ''], // a user whose real password is longer than the one given
    ];
    const work = cases.map(([user, password]) => {
      digest.mockClear();
      equal.mockClear();
      void table.check(user, userPass(user, password));
      return {
        digests: digest.mock.calls.length,
        comparisons: equal.mock.calls.map(([a, b]) => [a.byteLength, b.byteLength]),
      };
    });
    for (const w of work) expect(w).toEqual({ digests: 1, comparisons: [[32, 32]] });
  });

  it('makes no random bytes and no digest until the first check (Workers forbid them at module scope)', () => {
    const random = jest.spyOn(crypto, 'getRandomValues');
    const digest = jest.spyOn(primitives, 'digest');
    const table = new CredentialTable({ alice: 's3cret', bob: 'pw' }, 'users');
    expect(random).not.toHaveBeenCalled();
    expect(digest).not.toHaveBeenCalled();
    expect(table.check('bob', userPass('bob', 'pw'))).toBe(true);
    // One key, one dummy input; two users and the dummy digested, then the request's bytes.
    expect(random).toHaveBeenCalledTimes(2);
    expect(digest).toHaveBeenCalledTimes(4);
    digest.mockClear();
    expect(table.check('alice', userPass('alice', 's3cret'))).toBe(true);
    expect(digest).toHaveBeenCalledTimes(1);
  });

  it('checks through WebCrypto, answering with a Promise, where the runtime has no node:crypto', async () => {
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
        table.check('bob', userPass('bob', 's3cret')),
        table.check('bob', userPass('alice', 's3cret')),
      ];
      for (const verdict of verdicts) expect(verdict).toBeInstanceOf(Promise);
      expect(await Promise.all(verdicts)).toEqual([true, true, false, false, false]);
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
