/**
 * One response as gzip() handles it: the startResponse it hands the app, what it
 * decided from the status and headers, and how it answers with the app's body.
 *
 * Most responses are decided from headers alone and passed through at once (the
 * app's own `write` and body untouched). A response that may be compressed is held:
 * its status and headers wait until the body shows how big it is, which is allowed
 * because nothing is sent before the first body chunk (PEP 3333). A held response
 * whose body must be read first gets a {@link GzipBody}, which reports back through
 * the {@link HeldResponse} interface this class implements.
 *
 * @example
 * const response = new GzipResponse(config, environ, startResponse, negotiation, false);
 * return response.respond(app(environ, response.startResponse));
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @module
 */
import {
  HttpError,
  arrayBodyLength,
  isNoContentStatus,
  checkBody,
  checkChunk,
  closeBody,
  concatBytes,
  statusCode,
  type Body,
  type Environ,
  type ResponseHeaders,
  type StartResponse,
  type Write,
} from '@tsgi/core';
import type { ContentEncoder } from './content-encoder.js';
import { GzipBody, type HeldResponse, type ResponseMode } from './gzip-body.js';
import type { Negotiation } from './negotiate.js';
import type { ResolvedGzipOptions } from './options.js';
import { alreadyEncoded, encodedHeaders, hasToken, withVary } from './response-headers.js';
import { isEventStream } from './compressible.js';

const REFUSAL_TEXT = 'None of the content codings in Accept-Encoding is available for this response.';
const REFUSAL = new TextEncoder().encode(REFUSAL_TEXT + '\n');
const REFUSAL_HEADERS: ResponseHeaders = [
  ['Content-Type', 'text/plain; charset=utf-8'],
  ['Content-Length', String(REFUSAL.byteLength)],
  ['Vary', 'Accept-Encoding'],
];

// Writes to a response that is being refused go nowhere.
function discard(): void {}

/** A one-chunk body sent in place of `inner`, whose close() closes `inner` (PEP 3333: it is still closed). */
function closingWith(chunk: Uint8Array, inner: Body): Body {
  const out: Body = [chunk];
  if (typeof inner.close === 'function') out.close = inner.close.bind(inner);
  return out;
}

export class GzipResponse implements HeldResponse {
  mode: ResponseMode = 'pending';
  status = '';
  headers: ResponseHeaders = [];
  contentLength: number | undefined;
  encoder: ContentEncoder | undefined;
  flush = false;
  private written: Uint8Array[] | undefined;
  private realWrite: Write | undefined;
  /** The startResponse the app is given. */
  readonly startResponse: StartResponse;
  private boundWrite: Write | undefined;

  constructor(
    readonly config: ResolvedGzipOptions,
    private readonly environ: Environ,
    private readonly start: StartResponse,
    readonly negotiation: Negotiation,
    readonly head: boolean,
  ) {
    this.startResponse = this.onStartResponse.bind(this);
  }

  /** The write() the app gets while the response is held; made only when one is. */
  get write(): Write {
    return (this.boundWrite ??= this.onWrite.bind(this));
  }

  private onStartResponse(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    const mode = this.mode;
    if (mode === 'passed' || mode === 'refused') return this.start(status, headers, excInfo);
    if (mode === 'encoding') {
      // Already sent: the gateway rethrows excInfo. Not yet: the new body is compressed too.
      return this.start(status, excInfo === undefined ? headers : encodedHeaders(headers, this.encoder!.coding), excInfo);
    }
    if (mode === 'deferred' && excInfo === undefined) {
      throw new Error('gzip: startResponse called a second time without excInfo (PEP 3333 allows that only to report an error)');
    }
    this.status = status;
    this.headers = headers;
    return this.inspect(status, headers, excInfo);
  }

  private onWrite(chunk: Uint8Array): void {
    if (this.realWrite) this.realWrite(chunk);
    else if (!(chunk instanceof Uint8Array)) throw new TypeError(`gzip: write(): ${checkChunk(chunk)}`);
    else (this.written ??= []).push(chunk);
  }

  /** Decides what it can from status and headers; see the skip rules in gzip.ts. */
  private inspect(status: string, headers: ResponseHeaders, excInfo: unknown): Write {
    const code = statusCode(status);
    // One pass over the headers for everything the skip rules read.
    let type: string | undefined;
    let encoding: string | undefined;
    let length: string | undefined;
    let skip = code === 206 || isNoContentStatus(code);
    for (let i = 0; i < headers.length && !skip; i++) {
      const [name, value] = headers[i]!;
      switch (name.length) {
        case 12:
          if (type === undefined && name.toLowerCase() === 'content-type') type = value;
          break;
        case 13:
          // Content-Range: a part is not a whole body to compress; no-transform forbids it.
          if (name.toLowerCase() === 'content-range' || (name.toLowerCase() === 'cache-control' && hasToken(value, 'no-transform'))) skip = true;
          break;
        case 14:
          if (length === undefined && name.toLowerCase() === 'content-length') length = value;
          break;
        case 16:
          if (encoding === undefined && name.toLowerCase() === 'content-encoding') encoding = value;
          break;
      }
    }
    if (skip || alreadyEncoded(encoding) || !this.config.filter(type, this.environ)) {
      this.mode = 'passed';
      return this.start(status, headers, excInfo);
    }
    const { coding, identity } = this.negotiation;
    if (coding === undefined) {
      if (identity) return this.passWithVary(excInfo);
      if (this.config.throwHttpErrors) throw new HttpError(406, REFUSAL_TEXT, { headers: [['Vary', 'Accept-Encoding']] });
      this.mode = 'refused';
      this.start('406 Not Acceptable', REFUSAL_HEADERS.slice(), excInfo);
      return discard;
    }
    this.contentLength = length === undefined ? undefined : Number(length);
    if (this.sendsAsIs(this.contentLength)) {
      return this.passWithVary(excInfo);
    }
    const encoder = this.config.encoders.get(coding)!;
    const flush = this.config.flush(type);
    // An encoder that cannot flush (CompressionStream) would hold events back: an event
    // stream goes as is; other bodies are compressed, only without a flush per chunk.
    if (flush && !encoder.canFlush && identity && isEventStream(type)) return this.passWithVary(excInfo);
    this.mode = 'deferred';
    this.encoder = encoder;
    this.flush = flush;
    return this.write;
  }

  private passWithVary(excInfo: unknown): Write {
    this.mode = 'passed';
    return this.start(this.status, withVary(this.headers), excInfo);
  }

  /** Whether a whole body of `length` bytes goes as it is: under the threshold, and identity acceptable. */
  sendsAsIs(length: number | undefined): boolean {
    return length !== undefined && length < this.config.threshold && this.negotiation.identity;
  }

  /** Sends the held status and headers unchanged but for Vary. */
  forwardIdentity(): void {
    this.realWrite = this.passWithVary(undefined);
  }

  /** Sends the held status with the headers of a compressed response. */
  forwardEncoded(contentLength?: number): void {
    this.mode = 'encoding';
    this.start(this.status, encodedHeaders(this.headers, this.encoder!.coding, contentLength));
  }

  /** The 406 body. */
  refuse(): Uint8Array {
    return REFUSAL;
  }

  /** The next chunk passed to write() while held, if any. */
  takeWritten(): Uint8Array | undefined {
    return this.written?.shift();
  }

  /** The body to return to the gateway for the app's `body`. */
  respond(body: Body): Body | Promise<Body> {
    // The gateway's own check and words, before anything here reads the body.
    const problem = checkBody(body);
    if (problem !== undefined) throw new TypeError(`gzip: ${problem}`);
    switch (this.mode) {
      case 'passed':
        return body;
      case 'refused':
        return closingWith(REFUSAL, body);
      case 'deferred':
        if (this.head) return this.respondHead(body);
        if (Array.isArray(body) && this.written === undefined) return this.respondArray(body as Uint8Array[]);
        return new GzipBody(this, body);
      default:
        return new GzipBody(this, body);
    }
  }

  /** HEAD: the headers a GET would get, without touching the body. */
  private respondHead(body: Body): Body {
    const length = arrayBodyLength(body);
    if (this.sendsAsIs(length)) this.forwardIdentity();
    else this.forwardEncoded();
    return body;
  }

  private respondArray(body: Uint8Array[] & Body): Body | Promise<Body> {
    const length = arrayBodyLength(body)!;
    if (Number.isNaN(length)) throw new TypeError(`gzip: ${body.map(checkChunk).find((problem) => problem !== undefined)}`);
    if (this.sendsAsIs(length)) {
      this.forwardIdentity();
      return body;
    }
    if (length > this.config.oneShotLimit) return new GzipBody(this, body);
    let output: Uint8Array | Promise<Uint8Array>;
    try {
      output = this.encoder!.compress(body.length === 1 ? body[0]! : concatBytes(body, length));
    } catch (error) {
      return closeBody(body).then(() => Promise.reject(error));
    }
    if (output instanceof Promise) {
      return output.then(
        (compressed) => this.oneShot(compressed, body),
        (error: unknown) => closeBody(body).then(() => Promise.reject(error)),
      );
    }
    return this.oneShot(output, body);
  }

  private oneShot(compressed: Uint8Array, inner: Body): Body {
    this.forwardEncoded(compressed.byteLength);
    return closingWith(compressed, inner);
  }
}
