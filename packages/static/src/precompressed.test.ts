import { acceptedCodings } from './precompressed.js';

describe('acceptedCodings', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['gzip, deflate, br', ['br', 'gzip']],
    ['gzip;q=1, br;q=0.5', ['gzip', 'br']],
    ['br;q=0, gzip', ['gzip']],
    ['*', ['br', 'gzip']],
    ['*;q=0.2, gzip;q=0.5', ['gzip', 'br']],
    ['x-gzip', ['gzip']],
    ['identity', []],
    ['br;q=bogus, gzip', ['gzip']],
  ])('%j -> %j', (header, expected) => {
    expect(acceptedCodings(header, ['br', 'gzip'])).toEqual(expected);
  });

  it('offers only the configured codings, in their order among equals', () => {
    expect(acceptedCodings('br, gzip', ['gzip'])).toEqual(['gzip']);
    expect(acceptedCodings('br, gzip', ['gzip', 'br'])).toEqual(['gzip', 'br']);
  });
});
