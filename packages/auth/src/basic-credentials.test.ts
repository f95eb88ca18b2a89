import fc from 'fast-check';
import { parseBasic } from './basic-credentials.js';

const b64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

describe('parseBasic', () => {
  it('splits at the first colon: the password may contain colons', () => {
    const parsed = parseBasic(b64('foo:pass:word'));
    expect(parsed).toMatchObject({ user: 'foo', password: 'pass:word' });
  });

  it('allows an empty user and an empty password', () => {
    expect(parseBasic(b64(':secret'))).toMatchObject({ user: '', password: 'secret' });
    expect(parseBasic(b64('alice:'))).toMatchObject({ user: 'alice', password: '' });
  });

  it('decodes UTF-8 and keeps the bytes as sent', () => {
    const parsed = parseBasic(b64('zoë:пароль✓'));
    expect(parsed).toMatchObject({ user: 'zoë', password: 'пароль✓' });
    expect(typeof parsed !== 'string' && Buffer.from(parsed.bytes).equals(Buffer.from('zoë:пароль✓'))).toBe(true);
  });

  it('refuses invalid UTF-8 instead of replacing it', () => {
    expect(parseBasic(b64(Buffer.from([0x61, 0x3a, 0xff, 0xfe])))).toBe('bad_utf8');
    // An overlong encoding of '/' and a lone surrogate, both forbidden by RFC 3629.
    expect(parseBasic(b64(Buffer.from([0x61, 0x3a, 0xc0, 0xaf])))).toBe('bad_utf8');
    expect(parseBasic(b64(Buffer.from([0x61, 0x3a, 0xed, 0xa0, 0x80])))).toBe('bad_utf8');
  });

  it('refuses base64 that is malformed, unpadded, url-safe or non-canonical', () => {
    expect(parseBasic('!!!!')).toBe('bad_base64');
    expect(parseBasic('YWxpY2U6cHc')).toBe('bad_base64'); // 'alice:pw' without its '='
    expect(parseBasic('YWxpY2U6cHc=x')).toBe('bad_base64');
    expect(parseBasic('YWxp Y2U6cHc=')).toBe('bad_base64');
    expect(parseBasic(b64('a:?>?').replace(/\//g, '_'))).toBe('bad_base64');
    expect(parseBasic('YTpi')).toMatchObject({ user: 'a', password: 'b' });
    expect(parseBasic('YTpj')).toMatchObject({ user: 'a', password: 'c' });
    // 'YQ==' is 'a'; 'YR==' decodes to the same byte with non-zero padding bits.
    expect(parseBasic('YR==')).toBe('bad_base64');
  });

  it('refuses credentials without a colon', () => {
    expect(parseBasic(b64('alice'))).toBe('missing_colon');
    expect(parseBasic('')).toBe('missing_colon');
  });

  it('refuses control characters in the user or the password (C0, DEL and C1)', () => {
    expect(parseBasic(b64('ali\nce:pw'))).toBe('control_characters');
    expect(parseBasic(b64('alice:p\x00w'))).toBe('control_characters');
    expect(parseBasic(b64('alice:p\x7fw'))).toBe('control_characters');
    expect(parseBasic(b64('alice:p\u0085w'))).toBe('control_characters');
  });

  it('round-trips any user without colons or controls and any password without controls', () => {
    const clean = (s: string) => !/\p{Cc}/u.test(s) && !/\p{Cs}/u.test(s);
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }).filter((s) => clean(s) && !s.includes(':')),
        fc.string({ unit: 'grapheme' }).filter(clean),
        (user, password) => {
          expect(parseBasic(b64(`${user}:${password}`))).toMatchObject({ user, password });
        },
      ),
    );
  });

  it('gives what it gave with atob and TextDecoder, for any bytes (ASCII or not) and any string', () => {
    const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const before = (token68: string): unknown => {
      if (token68.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(token68)) return 'bad_base64';
      const binary = atob(token68);
      if (btoa(binary) !== token68) return 'bad_base64';
      let text: string;
      try {
        text = UTF8.decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
      } catch {
        return 'bad_utf8';
      }
      const colon = text.indexOf(':');
      if (colon < 0) return 'missing_colon';
      if (/\p{Cc}/u.test(text)) return 'control_characters';
      return { user: text.slice(0, colon), password: text.slice(colon + 1), bytes: Buffer.from(binary, 'latin1').toString('hex') };
    };
    const now = (token68: string): unknown => {
      const parsed = parseBasic(token68);
      return typeof parsed === 'string' ? parsed : { ...parsed, bytes: Buffer.from(parsed.bytes).toString('hex') };
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 48 }).map((bytes) => b64(bytes)),
          fc.string({ unit: 'binary' }).map(b64),
          fc.string({ unit: 'grapheme-ascii' }).map(b64),
          fc.string(),
        ),
        (token68) => {
          expect(now(token68)).toEqual(before(token68));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws: any string gets credentials or a reason', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.uint8Array().map((bytes) => b64(bytes))), (input) => {
        const parsed = parseBasic(input);
        expect(typeof parsed === 'string' || typeof parsed.user === 'string').toBe(true);
      }),
    );
  });
});
