import { credentialsFor } from './authorization.js';

describe('credentialsFor', () => {
  it('matches the scheme case-insensitively', () => {
    expect(credentialsFor('Basic abc=', 'Basic')).toBe('abc=');
    expect(credentialsFor('basic abc=', 'Basic')).toBe('abc=');
    expect(credentialsFor('BASIC abc=', 'Basic')).toBe('abc=');
    expect(credentialsFor('bEaReR tok', 'Bearer')).toBe('tok');
  });

  it('returns null for another scheme, including a prefix or an extension of it', () => {
    expect(credentialsFor('Bearer abc', 'Basic')).toBeNull();
    expect(credentialsFor('Basicabc', 'Basic')).toBeNull();
    expect(credentialsFor('Basi abc', 'Basic')).toBeNull();
    expect(credentialsFor('', 'Basic')).toBeNull();
  });

  it('skips one or more spaces after the scheme and trims the field', () => {
    expect(credentialsFor('Basic    abc', 'Basic')).toBe('abc');
    expect(credentialsFor('  Basic abc  ', 'Basic')).toBe('abc');
  });

  it("returns '' when the scheme stands alone", () => {
    expect(credentialsFor('Basic', 'Basic')).toBe('');
    expect(credentialsFor('Basic   ', 'Basic')).toBe('');
  });

  it('keeps what follows the credentials so the caller can refuse it', () => {
    expect(credentialsFor('Bearer a b', 'Bearer')).toBe('a b');
  });
});
