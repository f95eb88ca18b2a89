/**
 * The body readers behind `request(environ).bytes()`, `text()`, `json()`, `form()`
 * and `multipart()`: each checks its options and the Content-Type, takes the body
 * from the request's one `KeptBody` (made on the first read, which also puts its
 * replay in `environ['wsgi.input']` for the app below), and parses it once: the
 * parsed value is kept beside the bytes, so every layer that asks shares it.
 *
 * @example
 * const body = new BodyState();
 * const value = await readJson(environ, body, { limit: 64 * 1024 });
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14 (413)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16 (415)
 * @module
 */
import { HttpError, type Environ } from '@tsgi/core';
import { checkFields, decodeForm, decodeJson, decodeText } from './decode.js';
import { KeptBody, NOT_PARSED } from './kept-body.js';
import { LIMITS, checkLimit, checkTypes, type BodyOptions, type FormOptions, type JsonOptions } from './limits.js';
import { matchesMediaType, type MediaType } from './media-type.js';
import { parseMultipart } from './multipart/index.js';

/** What the request's body readers share: its one KeptBody, or who streamed the body instead. */
export class BodyState {
  kept: KeptBody | undefined;
  /** The reader that consumed `wsgi.input` without keeping it (multipart()). */
  streamedBy: string | undefined;

  /**
   * The KeptBody over the environ's `wsgi.input`, made (and its replay installed) on
   * first use. A `wsgi.input` changed since (a layer below wrapped the replay, e.g.
   * lint, or replaced the stream) is read anew through its new value.
   */
  keptFor(environ: Environ, what: string): KeptBody {
    const input = environ['wsgi.input'];
    const kept = this.kept;
    if (kept !== undefined && (input === kept.replay || input === kept.source)) return kept;
    if (kept === undefined && this.streamedBy !== undefined) {
      throw new Error(
        `${what}: the request body was already streamed by ${this.streamedBy} and not kept; call bytes() before ${this.streamedBy} to keep it for both`,
      );
    }
    const fresh = new KeptBody(input, environ.CONTENT_LENGTH);
    environ['wsgi.input'] = fresh.replay;
    this.kept = fresh;
    return fresh;
  }
}

function describeType(environ: Environ): string {
  return environ.CONTENT_TYPE ? `Content-Type ${JSON.stringify(environ.CONTENT_TYPE)}` : 'no Content-Type';
}

export function readBytes(environ: Environ, body: BodyState, options: BodyOptions = {}): Promise<Uint8Array> {
  const limit = checkLimit(options.limit, LIMITS.body, 'bytes()');
  return body.keptFor(environ, 'bytes()').upTo(limit, 'bytes()');
}

export async function readText(environ: Environ, body: BodyState, media: Readonly<MediaType>, options: BodyOptions = {}): Promise<string> {
  const limit = checkLimit(options.limit, LIMITS.body, 'text()');
  const kept = body.keptFor(environ, 'text()');
  const bytes = await kept.upTo(limit, 'text()');
  const key = `text:${media.params.charset ?? ''}`;
  let text = kept.parsed.get(key) as string | undefined;
  if (text === undefined) kept.parsed.set(key, (text = decodeText(bytes, media.params.charset, 'text()')));
  return text;
}

export async function readJson(environ: Environ, body: BodyState, media: Readonly<MediaType>, options: JsonOptions = {}): Promise<unknown> {
  const limit = checkLimit(options.limit, LIMITS.body, 'json()');
  const types = checkTypes(options.type, 'json()');
  if (types !== false && !matchesMediaType(media.type, types)) {
    throw new HttpError(415, `json(): expected a JSON body (Content-Type ${types.join(' or ')}), got ${describeType(environ)}`);
  }
  const kept = body.keptFor(environ, 'json()');
  const bytes = await kept.upTo(limit, 'json()');
  if (kept.json !== NOT_PARSED) return kept.json;
  // Held strongly, beside the bytes, for as long as the request lives: every caller
  // gets the same object. (A WeakRef bought nothing here: V8's young-generation
  // collector treats a WeakRef's target as strong, so a tree held weakly survived the
  // same scavenges as one held strongly, and cost a WeakRef and a lookup per call.)
  return (kept.json = decodeJson(bytes, media.params.charset, 'json()'));
}

export async function readForm(environ: Environ, body: BodyState, media: Readonly<MediaType>, options: FormOptions = {}): Promise<URLSearchParams> {
  const limit = checkLimit(options.limit, LIMITS.form, 'form()');
  const maxFields = checkLimit(options.maxFields, LIMITS.formFields, 'form()', 'maxFields');
  if (media.type !== 'application/x-www-form-urlencoded') {
    const hint = media.type === 'multipart/form-data' ? '; read it with multipart()' : '';
    throw new HttpError(415, `form(): expected Content-Type application/x-www-form-urlencoded, got ${describeType(environ)}${hint}`);
  }
  const kept = body.keptFor(environ, 'form()');
  const bytes = await kept.upTo(limit, 'form()');
  let form = kept.parsed.get('form') as URLSearchParams | undefined;
  if (form !== undefined) {
    // This reader's field limit may be lower than the one the shared parse passed.
    checkFields(bytes, maxFields, 'form()');
    return form;
  }
  kept.parsed.set('form', (form = decodeForm(bytes, media.params.charset, maxFields, 'form()')));
  return form;
}

/** Streams a multipart/form-data body through the multipart parser; see `Request.multipart`. */
export function readMultipart(
  environ: Environ,
  body: BodyState,
  media: Readonly<MediaType>,
  options?: Parameters<typeof parseMultipart>[1],
): ReturnType<typeof parseMultipart> {
  if (media.type !== 'multipart/form-data') {
    throw new HttpError(415, `multipart(): expected Content-Type multipart/form-data, got ${describeType(environ)}`);
  }
  if (body.kept === undefined) {
    if (body.streamedBy !== undefined) {
      throw new Error(`multipart(): the request body was already streamed by ${body.streamedBy}; a stream is read once`);
    }
    // Streamed, not kept: an upload may be far larger than any limit of the readers above.
    body.streamedBy = 'multipart()';
  }
  return parseMultipart(environ, options);
}
