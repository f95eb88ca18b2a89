/**
 * The token from an `application/x-www-form-urlencoded` body's field, for old browsers
 * that post plain HTML forms without Sec-Fetch-Site or Origin. Reading the body takes
 * it from `wsgi.input`, so the bytes read are put back as a fresh input stream over the
 * same bytes: the app reads the body as if nobody had.
 *
 * multipart/form-data is not read here: send the token in the header for those (a
 * browser new enough to build such a form with fetch sends Sec-Fetch-Site anyway).
 * TODO: read multipart fields through @tsgi/request's form() once that package lands.
 *
 * @example
 * const token = await formField(environ, '_csrf', 64 * 1024); // the app can still readBody(environ)
 * @see https://url.spec.whatwg.org/#application/x-www-form-urlencoded
 * @module
 */
import { PullInputStream, readBody, type Environ } from '@tsgi/core';

/** `wsgi.input` again, over bytes already read. */
class ReplayedInput extends PullInputStream {
  #bytes: Uint8Array | null;

  constructor(bytes: Uint8Array) {
    super();
    this.#bytes = bytes.byteLength === 0 ? null : bytes;
  }

  protected async pullChunk(): Promise<Uint8Array | null> {
    const bytes = this.#bytes;
    this.#bytes = null;
    return bytes;
  }
}

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

export function isUrlencodedForm(environ: Environ): boolean {
  const type = environ.CONTENT_TYPE;
  return typeof type === 'string' && FORM_TYPE.test(type);
}

/**
 * The value of `field` in the urlencoded body, or undefined; `wsgi.input` replaced by a
 * replay of the same bytes. Rejects with core's HttpError 413 past `limit` bytes.
 */
export async function formField(environ: Environ, field: string, limit: number): Promise<string | undefined> {
  const bytes = await readBody(environ, { limit });
  environ['wsgi.input'] = new ReplayedInput(bytes);
  const value = new URLSearchParams(new TextDecoder().decode(bytes)).get(field);
  return value ?? undefined;
}
