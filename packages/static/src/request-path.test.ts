import fc from 'fast-check';
import { requestPath } from './request-path.js';

/** PATH_INFO as the gateway makes it: the UTF-8 bytes of a text, one char each. */
const latin1 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

describe('requestPath', () => {
  it.each([
    ['/', [], true],
    ['', [], false],
    ['/a/b.txt', ['a', 'b.txt'], false],
    ['/a//./b/', ['a', 'b'], true],
    ['//etc/passwd', ['etc', 'passwd'], false],
  ] as const)('%j -> %j', (pathInfo, segments, slash) => {
    expect(requestPath(pathInfo)).toEqual({ segments, slash, dotfile: false });
  });

  it.each(['/../x', '/a/../../x', '/a/..', '/a\\..\\x', '/x\x00.png', '/%c0%ae'.replace(/%(..)/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), '/\xff'])(
    'refuses %j',
    (pathInfo) => {
      expect(requestPath(pathInfo)).toBeUndefined();
    },
  );

  it('reads the bytes as UTF-8', () => {
    expect(requestPath(latin1('/ünï.txt'))?.segments).toEqual(['ünï.txt']);
  });

  it('flags dotfiles anywhere in the path', () => {
    expect(requestPath('/.env')?.dotfile).toBe(true);
    expect(requestPath('/a/.git/config')?.dotfile).toBe(true);
    expect(requestPath('/a/b.c')?.dotfile).toBe(false);
  });

  it('property: every accepted path is plain names, none empty, ".", "..", or holding a separator or NUL', () => {
    const piece = fc.constantFrom('/', '.', '..', '\\', '\x00', 'a', 'é', '%2e', ':', ' ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }).map((parts) => latin1(parts.join(''))), (pathInfo) => {
        const result = requestPath(pathInfo);
        if (result === undefined) return true;
        return result.segments.every((s) => s !== '' && s !== '.' && s !== '..' && !/[/\\\x00]/.test(s));
      }),
    );
  });
});
