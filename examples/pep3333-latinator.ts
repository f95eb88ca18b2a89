/**
 * PEP 3333's `Latinator` middleware, as tsgi: turns `text/plain` responses into
 * pig Latin and passes everything else through untouched (an array body stays the
 * same array). It streams: each chunk is transformed as it passes, a word cut by a
 * chunk boundary is held back until its end arrives, and the inner body's `close()`
 * is kept. It drops the inner Content-Length, since the length changes. Put it
 * anywhere above an app that answers text/plain.
 *
 * @example
 * await serve(latinator()(simpleApp), { port: 8000 }); // "Ellohay orldway!"
 *
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @module
 */
import { closeBody, getHeader, removeHeader, type Body, type Middleware, type ResponseHeaders } from '@tsgi/core';

const WORD = /[A-Za-z]+/g;
const VOWEL = /^[aeiouAEIOU]/;
const TRAILING_LETTERS = /[A-Za-z]+$/;

function latinWord(word: string): string {
  if (VOWEL.test(word)) return `${word}way`;
  const cut = word.search(/[aeiouAEIOU]/);
  if (cut <= 0) return `${word}ay`;
  const moved = word.slice(cut) + word.slice(0, cut).toLowerCase() + 'ay';
  // Keep the capital where it was: "Hello" -> "Ellohay".
  return word[0] === word[0]!.toUpperCase() ? moved[0]!.toUpperCase() + moved.slice(1) : moved;
}

/** Pig Latin over bytes-as-latin-1 text; only ASCII letters are words. */
export function piglatin(text: string): string {
  return text.replace(WORD, latinWord);
}

function isTextPlain(headers: ResponseHeaders): boolean {
  const type = getHeader(headers, 'content-type');
  return type !== undefined && type.split(';')[0]!.trim().toLowerCase() === 'text/plain';
}

/** The transformed stream: holds back a word that may continue in the next chunk. */
async function* latinChunks(inner: Body): AsyncGenerator<Uint8Array> {
  let carry = '';
  for await (const chunk of inner) {
    const text = carry + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    const tail = TRAILING_LETTERS.exec(text);
    carry = tail ? tail[0] : '';
    const ready = tail ? text.slice(0, tail.index) : text;
    if (ready) yield Buffer.from(piglatin(ready), 'latin1');
  }
  if (carry) yield Buffer.from(piglatin(carry), 'latin1');
}

export function latinator(): Middleware {
  return function latinatorMiddleware(app) {
    return async function latinatorApp(environ, startResponse) {
      let transform = false;
      const body = await app(environ, function startLatin(status, headers, excInfo) {
        // Decided again on a repeat call (with excInfo), as in the PEP.
        transform = isTextPlain(headers);
        if (!transform) return startResponse(status, headers, excInfo);
        const stripped = headers.slice();
        removeHeader(stripped, 'content-length');
        const write = startResponse(status, stripped, excInfo);
        return (data) => write(Buffer.from(piglatin(Buffer.from(data).toString('latin1')), 'latin1'));
      });
      // A text/plain decision taken later (inside the body) is not seen here; like the
      // PEP's LatinIter we only transform what was known to be text/plain up front.
      if (!transform) return body;
      const out = latinChunks(body) as AsyncGenerator<Uint8Array> & { close?: () => Promise<void> };
      out.close = () => closeBody(body);
      return out;
    };
  };
}

export default latinator;
