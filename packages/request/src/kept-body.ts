/**
 * The request body, read once and kept, within a limit: what lets json(), text(),
 * form() and an app reading `wsgi.input` below all see the same bytes, as WebOb's
 * `make_body_seekable` and Rack's rewindable input do.
 *
 * A read asks for the body up to a limit. A declared CONTENT_LENGTH over it is a 413
 * before a byte is taken; a chunked body is read until it passes the limit (by at
 * most the chunk that crossed it), then refused. What was read stays kept, so a later
 * read with a larger limit goes on from there, and nothing is ever read twice from
 * the client.
 *
 * `replay` is a PEP 3333 input stream over the body from its first byte: the kept
 * chunks, then (if the body was not read to its end) the rest straight from the
 * client, not kept: it is the app's then, and a later read through the request view
 * says that it cannot have it. The request view puts it in `environ['wsgi.input']`.
 *
 * @example
 * const body = new KeptBody(environ['wsgi.input'], environ.CONTENT_LENGTH);
 * environ['wsgi.input'] = body.replay;
 * const bytes = await body.upTo(1024 * 1024, 'json()');
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import { HttpError, PullInputStream, concatBytes, type InputStream } from '@tsgi/core';

/** `KeptBody.json` before json() parsed the body. */
export const NOT_PARSED: unique symbol = Symbol('not parsed');

export class KeptBody {
  /** The stream the bytes come from (the environ's `wsgi.input` at the first read). */
  readonly source: InputStream;
  /** A stream over the whole body from its first byte; see the module comment. */
  readonly replay: ReplayInput;
  /** The body parsed as JSON by json(), shared by every layer that asks. */
  json: unknown = NOT_PARSED;
  #parsed: Map<string, unknown> | undefined;
  readonly #declared: number | undefined;
  readonly #chunks: Uint8Array[] = [];
  #iterator: AsyncIterator<Uint8Array> | undefined;
  #total = 0;
  #ended = false;
  #error: unknown = undefined;
  #joined: Uint8Array | undefined;
  /** Set when `replay` read on past the kept bytes: the rest of the body is not kept. */
  #handedOff = false;
  /** The last read asked for, so that concurrent reads take turns; `#reads` of them not yet settled. */
  #turn: Promise<unknown> | undefined;
  #reads = 0;

  constructor(source: InputStream, contentLength: string | undefined) {
    this.source = source;
    const declared = contentLength ? Number(contentLength) : NaN;
    this.#declared = Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
    this.replay = new ReplayInput(this);
  }

  /** Other parsed forms of the kept bytes (text, form), made on first use, so that every layer shares one parse. */
  get parsed(): Map<string, unknown> {
    return (this.#parsed ??= new Map());
  }

  /** Bytes kept so far. */
  get size(): number {
    return this.#total;
  }

  /** True once the whole body is kept. */
  get complete(): boolean {
    return this.#ended && this.#error === undefined;
  }

  /**
   * The whole body, reading what is still missing, or an `HttpError(413)` when it is
   * (or declares to be) over `limit`. `what` names the reader in messages.
   */
  upTo(limit: number, what: string): Promise<Uint8Array> {
    // Most requests read once: with no read in progress this one starts now, and only a
    // concurrent read waits its turn (on this one's outcome, whatever it is).
    const turn = this.#reads++ === 0 ? this.#upTo(limit, what) : this.#turn!.then(() => this.#upTo(limit, what), () => this.#upTo(limit, what));
    this.#turn = turn;
    return turn;
  }

  async #upTo(limit: number, what: string): Promise<Uint8Array> {
    try {
      if (this.#declared !== undefined && this.#declared > limit) {
        throw new HttpError(413, `the request body of ${this.#declared} bytes is over ${what}'s limit of ${limit} bytes; pass { limit } to accept more`);
      }
      while (!this.#ended && this.#total <= limit) {
        if (this.#handedOff) {
          throw new Error(`${what}: the request body is gone: the app read environ['wsgi.input'] past the ${this.#total} bytes kept; read the body through request(environ) before the app below reads wsgi.input`);
        }
        await this.#pull(limit);
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#total > limit) {
        throw new HttpError(413, `the request body is over ${what}'s limit of ${limit} bytes; pass { limit } to accept more`);
      }
      return (this.#joined ??= concatBytes(this.#chunks, this.#total));
    } finally {
      this.#reads--;
    }
  }

  /**
   * Reads on from the source, keeping what it gives: one `read(size)` asking for just
   * past `limit`, so a body over it is seen without taking more than one byte too many.
   * A read over core's PullInputStream gives fewer bytes than asked only at the body's
   * end, so a body under the limit takes one call; another stream is read until it
   * gives none.
   */
  async #pull(limit: number): Promise<void> {
    try {
      const size = limit - this.#total + 1;
      const source = this.source;
      const chunk = await (Number.isSafeInteger(size) ? source.read(size) : source.read());
      if (chunk.byteLength === 0) {
        this.#ended = true;
        return;
      }
      this.#chunks.push(chunk);
      this.#total += chunk.byteLength;
      this.#joined = undefined;
      // No shortcut at CONTENT_LENGTH: reading on to the source's end lets the gateway
      // see the body end (node's 'end'), which measured cheaper per request than
      // leaving the request paused one event short of it.
      if (chunk.byteLength < size && source instanceof PullInputStream) this.#ended = true;
    } catch (error) {
      // The client left (ClientDisconnected) or the gateway failed: every later read says so.
      this.#ended = true;
      this.#error = error;
      throw error;
    }
  }

  /** The replay's `index`th chunk: a kept one, or the next from the source (not kept). */
  async replayChunk(index: number): Promise<Uint8Array | null> {
    // A read in progress may keep more; its failure is for its own caller.
    if (index >= this.#chunks.length && this.#reads > 0) await this.#turn!.catch(() => undefined);
    if (index < this.#chunks.length) return this.#chunks[index]!;
    if (this.#ended) {
      if (this.#error !== undefined) throw this.#error;
      return null;
    }
    this.#handedOff = true;
    this.#iterator ??= this.source[Symbol.asyncIterator]();
    const next = await this.#iterator.next();
    return next.done ? null : next.value;
  }
}

/** `wsgi.input` over a KeptBody: the kept chunks from the first, then the rest of the body. */
export class ReplayInput extends PullInputStream {
  readonly #body: KeptBody;
  #index = 0;
  #passed = false;

  constructor(body: KeptBody) {
    super();
    this.#body = body;
  }

  protected async pullChunk(): Promise<Uint8Array | null> {
    if (this.#passed) return null;
    const chunk = await this.#body.replayChunk(this.#index++);
    if (chunk === null) this.#passed = true;
    return chunk;
  }
}
