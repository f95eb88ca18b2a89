import fc from 'fast-check';
import { deleteCookie, parseCookies, serializeCookie } from './cookies.js';

describe('serializeCookie', () => {
  test('every attribute, in a fixed order', () => {
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    expect(
      serializeCookie('sid', 'a b;c', {
        maxAge: 3600.9,
        expires,
        domain: 'example.com',
        path: '/app',
        httpOnly: true,
        secure: true,
        partitioned: true,
        priority: 'high',
        sameSite: 'none',
      }),
    ).toBe('sid=a%20b%3Bc; Max-Age=3600; Domain=example.com; Path=/app; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; Secure; Partitioned; Priority=High; SameSite=None');
    expect(serializeCookie('a', 'b', { sameSite: true })).toBe('a=b; SameSite=Strict');
    expect(serializeCookie('a', 'b', { sameSite: 'lax', priority: 'low' })).toBe('a=b; Priority=Low; SameSite=Lax');
  });

  // CVE-2024-47764: jshttp cookie < 0.7.0 let a name, path or domain carry more attributes.
  test.each([
    ['name', () => serializeCookie('foo;Path=/evil', 'x')],
    ['name with =', () => serializeCookie('foo=bar', 'x')],
    ['name with a space', () => serializeCookie('foo bar', 'x')],
    ['path', () => serializeCookie('foo', 'x', { path: '/;Path=/evil' })],
    ['path with CR LF', () => serializeCookie('foo', 'x', { path: '/\r\nSet-Cookie: a=b' })],
    ['domain', () => serializeCookie('foo', 'x', { domain: 'example.com;Path=/evil' })],
    ['domain with a space', () => serializeCookie('foo', 'x', { domain: 'example.com Path=/' })],
  ])('an attribute smuggled in the %s is refused with a TypeError', (_where, call) => {
    expect(call).toThrow(TypeError);
  });

  test('what browsers would drop is refused where it is written', () => {
    expect(() => serializeCookie('a', 'b', { sameSite: 'none' })).toThrow("cookie \"a\": sameSite 'none' needs secure: true");
    expect(() => serializeCookie('a', 'b', { partitioned: true })).toThrow('cookie "a": partitioned needs secure: true');
    expect(() => serializeCookie('__Secure-id', 'b')).toThrow('the __Secure- prefix needs secure: true');
    expect(() => serializeCookie('__Host-id', 'b', { secure: true })).toThrow("the __Host- prefix needs secure: true, path: '/' and no domain");
    expect(() => serializeCookie('__Host-id', 'b', { secure: true, path: '/', domain: 'example.com' })).toThrow(TypeError);
    expect(serializeCookie('__Host-id', 'b', { secure: true, path: '/' })).toBe('__Host-id=b; Path=/; Secure');
    expect(() => serializeCookie('a', 'b', { maxAge: Infinity })).toThrow('maxAge must be a finite number of seconds, got Infinity');
    expect(() => serializeCookie('a', 'b', { expires: new Date(NaN) })).toThrow(/cookie "a": option expires is invalid/);
    expect(() => serializeCookie('a', 'b', { priority: 'urgent' as 'high' })).toThrow(/option priority is invalid/);
  });

  test('deleteCookie: empty, expired now and in 1970, same path and domain', () => {
    expect(deleteCookie('sid', { path: '/app', domain: 'example.com' })).toBe(
      'sid=; Max-Age=0; Domain=example.com; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    );
  });
});

describe('parseCookies', () => {
  test('pairs, spaces trimmed, first of a repeated name wins, values percent-decoded', () => {
    expect({ ...parseCookies('a=1;  b = two ; a=3; c=%E2%9C%93; d="quoted"') }).toEqual({ a: '1', b: 'two', c: '✓', d: '"quoted"' });
    expect({ ...parseCookies(undefined) }).toEqual({});
    expect({ ...parseCookies('') }).toEqual({});
  });

  test('weird values: no =, empty names, bad escapes, a lone ;, __proto__', () => {
    const cookies = parseCookies('novalue; =empty; bad=%zz; ;; __proto__=x; constructor=y; ok=1');
    expect(cookies.bad).toBe('%zz');
    expect(cookies.ok).toBe('1');
    expect(cookies.__proto__).toBe('x');
    expect(cookies.constructor).toBe('y');
    expect(Object.getPrototypeOf(cookies)).not.toBe(Object.prototype);
    expect(cookies.novalue).toBeUndefined();
  });

  test('raw UTF-8 in the header (a native string, one char per byte) comes back as text', () => {
    // 'name=Zoë' as a gateway puts it in the environ: the two bytes of ë as two chars.
    expect(parseCookies('name=Zo\xc3\xab').name).toBe('Zoë');
  });

  test('property: serialize then parse gives the value back, for any string value and token name', () => {
    const tchar = fc.constantFrom(...'!#$%&\'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''));
    const name = fc.string({ unit: tchar, minLength: 1, maxLength: 12 }).filter((n) => !/^__(secure|host)-/i.test(n));
    fc.assert(
      fc.property(name, fc.string({ unit: 'grapheme', maxLength: 40 }), (cookieName, value) => {
        const header = serializeCookie(cookieName, value, { path: '/', httpOnly: true });
        const pair = header.slice(0, header.indexOf(';'));
        expect(parseCookies(pair)[cookieName]).toBe(value);
      }),
    );
  });

  test('property: parsing never throws, whatever bytes the header holds', () => {
    const byte = fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(byte, fc.constantFrom(';', '=', ' ', '%')), maxLength: 80 }), (header) => {
        const cookies = parseCookies(header);
        for (const value of Object.values(cookies)) expect(typeof value).toBe('string');
      }),
    );
  });
});
