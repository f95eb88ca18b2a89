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
 * Limits are checked as bytes pass, whether the part is read or skipped.
 *
 * @see https://www.rfc-editor.org/rfc/rfc2046#section-5.1.1 (delimiters, preamble, epilogue)
 * @module
 */
import { HttpError, concatBytes } from '@tsgi/core';
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
  readonly #limits: ResolvedMultipartOptions;
  readonly #boundary: string;
  readonly #delimiter: Uint8Array;
  readonly #find: ByteSearch;
  #buf: Uint8Array = EMPTY;
  #pos = 0;
  /** The end of the last chunk when it may be the start of a delimiter. */
  #carry: Uint8Array | null = CRLF;
  #state = PREAMBLE;
  #total = 0;
  #parts = 0;
  #files = 0;
  #fieldBytes = 0;
  #current: PartHead | null = null;
  #partBytes = 0;

  constructor(input: AsyncIterable<Uint8Array>, boundary: string, limits: ResolvedMultipartOptions) {
    this.#input = input[Symbol.asyncIterator]();
    this.#boundary = boundary;
    this.#limits = limits;
    this.#delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
    this.#find = byteSearch(this.#delimiter);
  }

  /** How many parts have started: the current part's number, 1-based. */
  get partCount(): number {
    return this.#parts;
  }

  /** The next part's headers, skipping what is left of the current one; `null` after the last. */
  async nextPart(): Promise<PartHead | null> {
    while (this.#state === CONTENT) await this.readChunk();
    while (this.#state === PREAMBLE) await this.#scan();
    if (this.#state === DONE || !(await this.#afterDelimiter())) return null;
    const limits = this.#limits;
    if (++this.#parts > limits.maxParts) {
      throw new HttpError(413, `multipart body has more than maxParts (${limits.maxParts}) parts: raise the maxParts option`);
    }
    const head = parsePartHeaders(await this.#headerBlock(), this.#parts);
    if (head.filename !== undefined && ++this.#files > limits.maxFiles) {
      throw new HttpError(413, `multipart body has more than maxFiles (${limits.maxFiles}) files: raise the maxFiles option`);
    }
    this.#current = head;
    this.#partBytes = 0;
    this.#state = CONTENT;
    return head;
  }

  /** The next piece of the current part's content, or `null` at its end. */
  async readChunk(): Promise<Uint8Array | null> {
    if (this.#state !== CONTENT) return null;
    const chunk = await this.#scan();
    if (chunk === null) return null;
    const head = this.#current!;
    const limits = this.#limits;
    this.#partBytes += chunk.byteLength;
    if (head.filename === undefined) {
      this.#fieldBytes += chunk.byteLength;
      if (this.#fieldBytes > limits.maxFieldSize) {
        throw new HttpError(
          413,
          `multipart fields are over maxFieldSize (${limits.maxFieldSize} bytes, all fields together) at field ${JSON.stringify(head.name)}: raise the maxFieldSize option, or send large values as files`,
        );
      }
    } else if (this.#partBytes > limits.maxFileSize) {
      throw new HttpError(
        413,
        `multipart file ${JSON.stringify(head.filename)} (field ${JSON.stringify(head.name)}) is over maxFileSize (${limits.maxFileSize} bytes): raise the maxFileSize option`,
      );
    }
    return chunk;
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
      this.#total += chunk.byteLength;
      if (this.#total > this.#limits.maxTotalSize) {
        throw new HttpError(413, `multipart body is over maxTotalSize (${this.#limits.maxTotalSize} bytes): raise the maxTotalSize option`);
      }
      return chunk;
    }
  }

  /**
   * Content (or preamble) up to the next delimiter: a non-empty view, or `null` once
   * the delimiter is reached (the state is then DELIMITER).
   */
  async #scan(): Promise<Uint8Array | null> {
    const delimiter = this.#delimiter;
    for (;;) {
      const buf = this.#buf;
      const pos = this.#pos;
      if (pos < buf.length) {
        const at = this.#find(buf, pos);
        if (at !== -1) {
          this.#pos = at + delimiter.length;
          this.#state = DELIMITER;
          return at > pos ? buf.subarray(pos, at) : null;
        }
        const tail = partialTail(buf, pos, delimiter);
        this.#pos = buf.length;
        if (tail < buf.length) this.#carry = buf.subarray(tail);
        if (tail > pos) return buf.subarray(pos, tail);
      }
      const next = await this.#pull();
      const carry = this.#carry;
      this.#pos = 0;
      if (carry === null) {
        this.#buf = next;
        continue;
      }
      this.#carry = null;
      if (next.length < delimiter.length) {
        // A short chunk: join it to the held bytes and search both again.
        this.#buf = concatBytes([carry, next]);
        continue;
      }
      // Does a delimiter start in the held bytes? Only the first bytes of `next` can finish it.
      const probe = concatBytes([carry, next.subarray(0, delimiter.length - 1)]);
      const at = this.#find(probe, 0);
      this.#buf = next;
      if (at !== -1 && at < carry.length) {
        this.#pos = at + delimiter.length - carry.length;
        this.#state = DELIMITER;
        return at > 0 ? carry.subarray(0, at) : null;
      }
      return carry;
    }
  }

  async #byte(): Promise<number> {
    if (this.#pos >= this.#buf.length) {
      this.#buf = await this.#pull();
      this.#pos = 0;
    }
    return this.#buf[this.#pos++]!;
  }

  /** Reads what follows a delimiter: `--` (false: no more parts) or padding and CRLF (true). */
  async #afterDelimiter(): Promise<boolean> {
    const buf = this.#buf;
    const pos = this.#pos;
    if (pos + 1 < buf.length && buf[pos] === CR && buf[pos + 1] === LF) {
      this.#pos = pos + 2;
      return true;
    }
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
  async #headerBlock(): Promise<Uint8Array> {
    const max = this.#limits.maxHeaderSize;
    const tooLarge = (): HttpError =>
      new HttpError(413, `multipart part ${this.#parts} has headers over maxHeaderSize (${max} bytes): raise the maxHeaderSize option`);
    const buf = this.#buf;
    const pos = this.#pos;
    if (pos + 1 < buf.length && buf[pos] === CR && buf[pos + 1] === LF) {
      this.#pos = pos + 2;
      return EMPTY;
    }
    const end = findHeaderEnd(buf, pos);
    if (end !== -1) {
      if (end - pos > max) throw tooLarge();
      this.#pos = end + 4;
      return buf.subarray(pos, end);
    }
    // The block spans chunks: gather it, after the CRLF that ended the boundary line
    // (so an empty block is found as CRLF CRLF too), each byte copied once.
    const block = new Uint8Array(max + 6);
    block.set(CRLF);
    let length = 2;
    let piece = buf.subarray(pos);
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
      if (length === block.length) throw tooLarge();
      piece = await this.#pull();
    }
  }
}
