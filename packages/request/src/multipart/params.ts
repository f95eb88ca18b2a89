/**
 * Header parameters (`; name="value"; filename*=UTF-8''%E2%82%AC.txt`), read strictly,
 * for the request's Content-Type (the boundary) and each part's Content-Disposition:
 * a value is a token or a quoted-string; a name given twice, a missing `=`, an
 * unterminated quote or a malformed ext-value is a 400, because two parsers that
 * disagree on an ambiguous header (which `name`? where does the quote end?) let a
 * request mean one thing to a filter and another to the app.
 *
 * - Quoted-string: `\"` is a quote and `\\` a backslash; any other backslash is kept,
 *   because browsers do not escape it (`filename="C:\Users\me\a.txt"` from old
 *   Internet Explorer, `filename="a\b.txt"` from Chrome on Linux) and dropping it
 *   would join path segments into one name. Browsers send a quote in a name as `%22`
 *   (WHATWG HTML's form encoding); that is kept as it is, like Werkzeug and busboy.
 * - A parameter name ending in `*` holds an RFC 8187 ext-value
 *   (`charset'language'percent-encoded`, UTF-8 or ISO-8859-1), decoded here and
 *   stored under its name with the `*` (`filename*`): the caller prefers it.
 *
 * @example
 * parseParams('form-data; name="a"; filename*=UTF-8\'\'%C3%A9.txt', 9, 'Content-Disposition');
 * // Map { 'name' => 'a', 'filename*' => 'é.txt' }
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.6 (parameters)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.4 (quoted-string)
 * @see https://www.rfc-editor.org/rfc/rfc8187 (ext-value)
 * @module
 */
import { HttpError } from '@tsgi/core';

// RFC 9110 tchar, as a table: one lookup a character.
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;
const EXT_VALUE_CHARS = /^(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-Fa-f]{2})*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function isTchar(code: number): boolean {
  return code < 128 && TCHAR[code] === 1;
}

/** The end of the token starting at `at` (`at` itself when there is none). */
export function tokenEnd(text: string, at: number): number {
  let i = at;
  while (i < text.length && isTchar(text.charCodeAt(i))) i++;
  return i;
}

function skipSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

/** The index of the quote closing the quoted-string that opens at `at`, or -1. */
function quotedEnd(text: string, at: number): number {
  for (let j = at + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j;
    if (c === 0x5c && (text[j + 1] === '"' || text[j + 1] === '\\')) j++;
  }
  return -1;
}

/** The text between `from` and `to`, each `\"` and `\\` unescaped (other backslashes kept). */
function unquote(text: string, from: number, to: number): string {
  const raw = text.slice(from, to);
  return raw.includes('\\') ? raw.replace(/\\(["\\])/g, '$1') : raw;
}

/** The ext-value `charset'lang'pct-encoded` decoded, or `undefined` when malformed. */
export function decodeExtValue(value: string): string | undefined {
  const first = value.indexOf("'");
  const second = first === -1 ? -1 : value.indexOf("'", first + 1);
  if (first <= 0 || second === -1) return undefined;
  const charset = value.slice(0, first).toLowerCase();
  const encoded = value.slice(second + 1);
  if (!EXT_VALUE_CHARS.test(encoded)) return undefined;
  const bytes = new Uint8Array(encoded.length);
  let length = 0;
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '%') {
      bytes[length++] = parseInt(encoded.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      bytes[length++] = encoded.charCodeAt(i);
    }
  }
  if (charset === 'iso-8859-1') return latin1.decode(bytes.subarray(0, length));
  if (charset !== 'utf-8') return undefined;
  try {
    return utf8.decode(bytes.subarray(0, length));
  } catch {
    return undefined;
  }
}

/**
 * The parameters of `text` from index `from` (just after the media or disposition
 * type), names lower-cased. `what` names the header in error messages.
 */
export function parseParams(text: string, from: number, what: string): Map<string, string> {
  const params = new Map<string, string>();
  const bad = (why: string): HttpError => new HttpError(400, `${what} header ${JSON.stringify(text)}: ${why}`);
  let i = skipSpace(text, from);
  while (i < text.length) {
    if (text[i] !== ';') throw bad(`expected ";" before a parameter at character ${i}`);
    i = skipSpace(text, i + 1);
    if (i >= text.length || text[i] === ';') continue; // an empty parameter, as in a trailing ";"
    const nameEnd = tokenEnd(text, i);
    if (nameEnd === i) throw bad(`a parameter name must be a token, got ${JSON.stringify(text[i])} at character ${i}`);
    const name = text.slice(i, nameEnd).toLowerCase();
    i = skipSpace(text, nameEnd);
    if (text[i] !== '=') throw bad(`parameter ${name} has no "=value"`);
    i = skipSpace(text, i + 1);
    let value: string;
    if (text[i] === '"') {
      if (name.endsWith('*')) throw bad(`parameter ${name} holds an RFC 8187 ext-value, which is never quoted`);
      const end = quotedEnd(text, i);
      if (end === -1) throw bad(`the quoted value of ${name} has no closing quote`);
      value = unquote(text, i + 1, end);
      i = end + 1;
    } else {
      const end = tokenEnd(text, i);
      if (end === i) throw bad(`parameter ${name} needs a token or a quoted-string value`);
      value = text.slice(i, end);
      i = end;
      if (name.endsWith('*')) {
        const decoded = decodeExtValue(value);
        if (decoded === undefined) {
          throw bad(`parameter ${name} is not an RFC 8187 ext-value such as UTF-8''%E2%82%AC.txt`);
        }
        value = decoded;
      }
    }
    if (params.has(name)) throw bad(`parameter ${name} is given twice`);
    params.set(name, value);
    i = skipSpace(text, i);
  }
  return params;
}
