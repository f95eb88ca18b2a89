import fc from 'fast-check';
import { decodeBase64 } from './base64.js';

/** What parseBasic did before decodeBase64: the strict pattern, atob, and a btoa round trip. */
function reference(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const binary = atob(text);
  if (btoa(binary) !== text) return undefined;
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const same = (text: string): void => {
  const got = decodeBase64(text);
  const want = reference(text);
  expect(got === undefined ? undefined : Buffer.from(got).toString('hex')).toEqual(want === undefined ? undefined : Buffer.from(want).toString('hex'));
};

describe('decodeBase64', () => {
  it('decodes padded base64 of any length', () => {
    expect(Buffer.from(decodeBase64('YTpi')!).toString()).toBe('a:b');
    expect(Buffer.from(decodeBase64('YWxpY2U6cHc=')!).toString()).toBe('alice:pw');
    expect(Buffer.from(decodeBase64('YQ==')!).toString()).toBe('a');
    expect(decodeBase64('')).toEqual(new Uint8Array(0));
  });

  it('refuses what is not the one canonical padded spelling', () => {
    for (const text of ['YR==', 'YWxpY2U6cHc', 'YWxpY2U6cHc=x', 'YWxp Y2U6cHc=', 'YT_i', 'YT-i', 'A===', '====', '=AAA', 'AA=A', 'YTpi\n', 'YTpé', 'YTp\u{1F600}']) {
      expect(decodeBase64(text)).toBeUndefined();
    }
  });

  it('agrees with the strict pattern, atob and a btoa round trip on any bytes, spelling or string', () => {
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }).map(b64),
          fc.base64String(),
          fc.string(),
          // A canonical spelling with one character changed: padding bits, '=' moved, a stranger.
          fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 32 }).map(b64), fc.nat(), fc.constantFrom('A', 'B', '/', '+', '=', '-', '_', ' ', 'é', '\0')).map(
            ([text, at, c]) => text.slice(0, at % text.length) + c + text.slice((at % text.length) + 1),
          ),
        ),
        same,
      ),
      { numRuns: 2000 },
    );
  });
});
