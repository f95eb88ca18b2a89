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
      table.check(user, userPass(user, password));
      return {
        digests: digest.mock.calls.length,
        comparisons: equal.mock.calls.map(([a, b]) => [a.byteLength, b.byteLength]),
      };
    });
    for (const w of work) expect(w).toEqual({ digests: 1, comparisons: [[32, 32]] });
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
