/**
 * The multipart state machine: pulls chunks from `wsgi.input` only when its caller
 * asks for the next part or the next piece of the current part, so a slow consumer
 * slows the client (backpressure), and hands out content as views of the input
 * chunks (no copy but the few bytes of a delimiter split across two chunks).
 *
 * The body reads as if it began with CRLF, so the first boundary is found by the same
 * search as every later `CRLF--boundary` delimiter, and any preamble before it is
 * skipped. After a delimiter come `--` (the close delimiter; the epilogue after it
 * is never read) or optional spaces and CRLF, then the header block up to an empty
 * line. Line ends are CRLF as RFC 2046 says: an LF alone after a boundary is a 400,
 * not read leniently, so no filter in front of the app can read the body differently.
 *
 * Limits are checked as bytes pass (`LimitCounter`), whether the part is read or skipped.
 *
 * @see https://www.rfc-editor.org/rfc/rfc2046#section-5.1.1 (delimiters, preamble, epilogue)
 * @module
 */
import { HttpError, concatBytes } from '@tsgi/core';
import { LimitCounter } from './limits.js';
import type { ResolvedMultipartOptions } from './options.js';
import { parsePartHeaders, type PartHead } from './part-headers.js';
import { byteSearch, partialTail, type ByteSearch } from './search.js';

const CR = 13;
const LF = 10;
const DASH = 45;
const SPACE = 32;
const TAB = 9;
const EMPTY = new Uint8Array(0);
const CRLF = new Uint8Array([CR, LF]);
const findHeaderEnd = byteSearch(new Uint8Array([CR, LF, CR, LF]));
/** Spaces allowed after a boundary (RFC 2046 transport-padding); no client sends more. */
const MAX_PADDING = 256;

// Where the reader is: before the first boundary, in a part's content, just after a
// delimiter, or past the close delimiter.
const PREAMBLE = 0;
const CONTENT = 1;
const DELIMITER = 2;
const DONE = 3;

export class MultipartReader {
  readonly #input: AsyncIterator<Uint8Array>;
  readonly #limits: LimitCounter;
  readonly #boundary: string;
  readonly #delimiter: Uint8Array;
  readonly #find: ByteSearch;
  #buf: Uint8Array = EMPTY;
  #pos = 0;
  /** The end of the last chunk when it may be the start of a delimiter. */
  #carry: Uint8Array | null = CRLF;
  #state = PREAMBLE;
  #current: PartHead | null = null;

  constructor(input: AsyncIterable<Uint8Array>, boundary: string, limits: ResolvedMultipartOptions) {
    this.#input = input[Symbol.asyncIterator]();
    this.#boundary = boundary;
    this.#limits = new LimitCounter(limits);
    this.#delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
    this.#find = byteSearch(this.#delimiter);
  }

  /** How many parts have started: the current part's number, 1-based. */
  get partCount(): number {
    return this.#limits.parts;
  }

  // Each read below returns its value directly when the bytes are already buffered
  // (most small parts) and a promise only when it must wait for input: a form of 1000
  // small fields costs no promise per step.

  /** The next part's headers, skipping what is left of the current one; `null` after the last. */
  nextPart(): PartHead | null | Promise<PartHead | null> {
    return this.#skipBuffered() ? this.#startPart() : this.#skipThenStart();
  }

  /** The next piece of the current part's content, or `null` at its end. */
  readChunk(): Uint8Array | null | Promise<Uint8Array | null> {
    while (this.#state === CONTENT) {
      const piece = this.#step();
      if (piece === undefined) return this.#readChunkSlowly();
      if (piece) return this.#count(piece);
    }
    return null;
  }

  /** The rest of the current part as one array (a field's value). */
  readRest(): Uint8Array | Promise<Uint8Array> {
    const pieces: Uint8Array[] = [];
    let size = 0;
    while (this.#state === CONTENT) {
      const piece = this.#step();
      if (piece === undefined) return this.#readRestSlowly(pieces, size);
      if (!piece) continue;
      pieces.push(this.#count(piece));
      size += piece.byteLength;
    }
    return concatBytes(pieces, size);
  }

  async #readChunkSlowly(): Promise<Uint8Array | null> {
    while (this.#state === CONTENT) {
      let piece = this.#step();
      if (piece === undefined) piece = this.#feed(await this.#pull());
      if (piece) return this.#count(piece);
    }
    return null;
  }

  async #readRestSlowly(pieces: Uint8Array[], size: number): Promise<Uint8Array> {
    while (this.#state === CONTENT) {
      let piece = this.#step();
      if (piece === undefined) piece = this.#feed(await this.#pull());
      if (!piece) continue;
      pieces.push(this.#count(piece));
      size += piece.byteLength;
    }
    return concatBytes(pieces, size);
  }

  /** Skips content (counted) and preamble in the buffer; false when more input is needed. */
  #skipBuffered(): boolean {
    while (this.#state === CONTENT || this.#state === PREAMBLE) {
      const counted = this.#state === CONTENT;
      const piece = this.#step();
      if (piece === undefined) return false;
      if (piece && counted) this.#count(piece);
    }
    return true;
  }

  async #skipThenStart(): Promise<PartHead | null> {
    while (!this.#skipBuffered()) {
      const counted = this.#state === CONTENT;
      const piece = this.#feed(await this.#pull());
      if (piece && counted) this.#count(piece);
    }
    return this.#startPart();
  }

  /** After a delimiter: the next part's headers, or null after the close delimiter. */
  #startPart(): PartHead | null | Promise<PartHead | null> {
    if (this.#state === DONE) return null;
    const more = this.#afterDelimiter();
    if (typeof more !== 'boolean') return more.then((yes) => (yes ? this.#readHead() : null));
    return more ? this.#readHead() : null;
  }

  #readHead(): PartHead | Promise<PartHead> {
    this.#limits.part();
    const block = this.#headerBlock();
    return block instanceof Uint8Array ? this.#begin(block) : block.then((whole) => this.#begin(whole));
  }

  #begin(block: Uint8Array): PartHead {
    const head = parsePartHeaders(block, this.#limits.parts);
    if (head.filename !== undefined) this.#limits.file();
    this.#current = head;
    this.#state = CONTENT;
    return head;
  }

  /** Counts a piece of content against the limits of its part. */
  #count(piece: Uint8Array): Uint8Array {
    const head = this.#current!;
    this.#limits.content(piece.byteLength, head.name, head.filename);
    return piece;
  }

  /** The next non-empty input chunk; a 400 when the body ends before the close delimiter. */
  async #pull(): Promise<Uint8Array> {
    for (;;) {
      const result = await this.#input.next();
      if (result.done === true) {
        throw new HttpError(400, `multipart body ended before its closing boundary --${this.#boundary}-- (the upload was cut short)`);
      }
      const chunk = result.value;
      if (chunk.byteLength === 0) continue;
      this.#limits.received(chunk.byteLength);
      return chunk;
    }
  }

  /**
   * Content (or preamble) from the buffer, without input: a non-empty view; `null` when
   * the delimiter is reached (the state is then DELIMITER); `undefined` when the buffer
   * is used up (the end of it may be held back as the start of a delimiter).
   */
  #step(): Uint8Array | null | undefined {
    const buf = this.#buf;
    const pos = this.#pos;
    if (pos >= buf.length) return undefined;
    const delimiter = this.#delimiter;
    const at = this.#find(buf, pos);
    if (at !== -1) {
      this.#pos = at + delimiter.length;
      this.#state = DELIMITER;
      return at > pos ? buf.subarray(pos, at) : null;
    }
    const tail = partialTail(buf, pos, delimiter);
    this.#pos = buf.length;
    if (tail < buf.length) this.#carry = buf.subarray(tail);
    return tail > pos ? buf.subarray(pos, tail) : undefined;
  }

  /**
   * Takes the next input chunk. When bytes were held back, says whether they began a
   * delimiter (`null`, the state is then DELIMITER) or were content (returned);
   * `undefined` when `#step` should go on.
   */
  #feed(next: Uint8Array): Uint8Array | null | undefined {
    const carry = this.#carry;
    this.#pos = 0;
    if (carry === null) {
      this.#buf = next;
      return undefined;
    }
    this.#carry = null;
    const length = this.#delimiter.length;
    if (next.length < length) {
      // A short chunk: join it to the held bytes and search both again.
      this.#buf = concatBytes([carry, next]);
      return undefined;
    }
    // Does a delimiter start in the held bytes? Only the first bytes of `next` can finish it.
    const at = this.#find(concatBytes([carry, next.subarray(0, length - 1)]), 0);
    this.#buf = next;
    if (at !== -1 && at < carry.length) {
      this.#pos = at + length - carry.length;
      this.#state = DELIMITER;
      return at > 0 ? carry.subarray(0, at) : null;
    }
    return carry;
  }

  async #byte(): Promise<number> {
    if (this.#pos >= this.#buf.length) {
      this.#buf = await this.#pull();
      this.#pos = 0;
    }
    return this.#buf[this.#pos++]!;
  }

  /** Reads what follows a delimiter: `--` (false: no more parts) or padding and CRLF (true). */
  #afterDelimiter(): boolean | Promise<boolean> {
    const buf = this.#buf;
    const pos = this.#pos;
    if (pos + 1 < buf.length) {
      if (buf[pos] === CR && buf[pos + 1] === LF) {
        this.#pos = pos + 2;
        return true;
      }
      if (buf[pos] === DASH && buf[pos + 1] === DASH) {
        this.#pos = pos + 2;
        this.#state = DONE;
        return false;
      }
    }
    return this.#afterDelimiterSlowly();
  }

  /** `#afterDelimiter` a byte at a time, across chunks, for padding or a split line end. */
  async #afterDelimiterSlowly(): Promise<boolean> {
    const bad = (why: string): HttpError => new HttpError(400, `multipart boundary --${this.#boundary} ${why}`);
    let c = await this.#byte();
    if (c === DASH) {
      if ((await this.#byte()) !== DASH) throw bad('is followed by "-" and another character: expected "--" or CRLF');
      this.#state = DONE;
      return false;
    }
    for (let padding = 0; c === SPACE || c === TAB; padding++) {
      if (padding === MAX_PADDING) throw bad(`is followed by more than ${MAX_PADDING} spaces`);
      c = await this.#byte();
    }
    if (c === LF) throw bad('ends its line with LF alone: multipart line ends must be CRLF (RFC 2046 section 5.1.1)');
    if (c !== CR || (await this.#byte()) !== LF) {
      throw bad('is followed by other characters on its line: the boundary must not occur in a part, or the body uses another boundary');
    }
    return true;
  }

  /** The current part's header block, without the empty line that ends it. */
  #headerBlock(): Uint8Array | Promise<Uint8Array> {
    const max = this.#limits.options.maxHeaderSize;
    const buf = this.#buf;
    const pos = this.#pos;
    if (pos + 1 < buf.length && buf[pos] === CR && buf[pos + 1] === LF) {
      this.#pos = pos + 2;
      return EMPTY;
    }
    const end = findHeaderEnd(buf, pos);
    if (end !== -1) {
      if (end - pos > max) throw this.#limits.headersTooLarge();
      this.#pos = end + 4;
      return buf.subarray(pos, end);
    }
    return this.#gatherHeaderBlock(buf.subarray(pos));
  }

  /**
   * A header block that spans chunks, gathered after the CRLF that ended the boundary
   * line (so an empty block is found as CRLF CRLF too), each byte copied once.
   */
  async #gatherHeaderBlock(first: Uint8Array): Promise<Uint8Array> {
    const block = new Uint8Array(this.#limits.options.maxHeaderSize + 6);
    block.set(CRLF);
    let length = 2;
    let piece = first;
    for (;;) {
      const take = Math.min(piece.length, block.length - length);
      block.set(piece.subarray(0, take), length);
      const from = Math.max(0, length - 3);
      length += take;
      const at = findHeaderEnd(block.subarray(0, length), from);
      if (at !== -1) {
        this.#buf = piece;
        this.#pos = at + 4 - (length - take);
        return block.subarray(2, Math.max(2, at));
      }
      if (length === block.length) throw this.#limits.headersTooLarge();
      piece = await this.#pull();
    }
  }
}
