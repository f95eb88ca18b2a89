import { isValidRequestId, MAX_REQUEST_ID_LENGTH, requestIdGenerator } from './request-id-value.js';

describe('isValidRequestId', () => {
  it('accepts tokens such as UUIDs and prefixed ids', () => {
    expect(isValidRequestId('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    expect(isValidRequestId('req_01H~abc.def')).toBe(true);
    expect(isValidRequestId('a'.repeat(MAX_REQUEST_ID_LENGTH))).toBe(true);
  });

  it('refuses empty, too long, non-token and non-string values', () => {
    for (const bad of ['', 'a'.repeat(MAX_REQUEST_ID_LENGTH + 1), 'a b', 'a"b', 'a\r\nb', 'a,b', 'caf\xe9', undefined, 7]) {
      expect(isValidRequestId(bad)).toBe(false);
    }
    expect(isValidRequestId('abcd', 3)).toBe(false);
  });
});

describe('requestIdGenerator', () => {
  it('makes distinct valid ids, and generators do not share a prefix', () => {
    const a = requestIdGenerator();
    const b = requestIdGenerator();
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) ids.add(a());
    ids.add(b());
    expect(ids.size).toBe(1001);
    for (const id of ids) expect(isValidRequestId(id)).toBe(true);
    expect(a().split('-')[0]).not.toBe(b().split('-')[0]);
  });

  it('draws its random prefix on the first id, not when made (Workers forbid random bytes at module scope)', () => {
    const random = jest.spyOn(crypto, 'getRandomValues');
    try {
      const next = requestIdGenerator();
      expect(random).not.toHaveBeenCalled();
      const first = next();
      expect(first).toMatch(/^[A-Za-z0-9_-]{12}-1$/);
      expect(next()).toBe(first.slice(0, 13) + '2');
      expect(random).toHaveBeenCalledTimes(1);
    } finally {
      random.mockRestore();
    }
  });
});
