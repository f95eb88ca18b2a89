/**
 * One response as gzip() decides it, as the hooks of core's `wrapResponse`, which
 * holds status and headers, buffers `write()` calls, pulls a lazy app's first chunk
 * and closes the app's body once.
 *
 * - `hold`, at startResponse: the skip rules read the headers. Most responses are
 *   decided here and go up at once, untouched but for `Vary`, their body streaming
 *   as the app made it. The others (compressible, length unknown or over the
 *   threshold) are held until the body shows what it is; so is a refusal.
 * - `respond`, once the body is known: the 406; a whole body under the threshold as
 *   it is; a whole body up to `oneShotLimit` compressed in one call with its
 *   Content-Length; anything else through a {@link CompressedBody}. A sync iterable
 *   is collected up to `oneShotLimit` first (it cannot wait on anything, and the
 *   one-shot call is much faster); an async body streams from its first chunk, so a
 *   slow stream is never held back.
 * - `start`, as the head goes up: a compressed response's headers.
 *
 * @example
 * const response = new GzipResponse(config, environ, negotiation, false);
 * return wrapResponse(app, environ, startResponse, GZIP_HOOKS, response);
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @see https://github.com/rack/rack/blob/main/lib/rack/deflater.rb (should_deflate?)
 * @module
 */
import {
  HttpError,
  arrayBodyLength,
  checkChunk,
  concatBytes,
  isAsyncBody,
  isNoContentStatus,
  isPromise,
  statusCode,
  type Body,
  type Environ,
  type ResponseHead,
  type ResponseHeaders,
  type ResponseHooks,
} from '@tsgi/core';
import { BodyWalk } from '@tsgi/core/gateway';
import { CompressedBody } from './compressed-body.js';
import { isEventStream } from './compressible.js';
import type { ContentEncoder } from './content-encoder.js';
import type { Negotiation } from './accept-encoding.js';
import type { ResolvedGzipOptions } from './options.js';
import { alreadyEncoded, encodedHeaders, hasToken, withVary } from './response-headers.js';

const REFUSAL_TEXT = 'None of the content codings in Accept-Encoding is available for this response.';
const REFUSAL = new TextEncoder().encode(REFUSAL_TEXT + '\n');
const REFUSAL_HEADERS: ResponseHeaders = [
  ['Content-Type', 'text/plain; charset=utf-8'],
  ['Content-Length', String(REFUSAL.byteLength)],
  ['Vary', 'Accept-Encoding'],
];

/** What gzip() read from the request and decided about its response. */
export class GzipResponse {
  /** The chosen coding's encoder, once the response is held to be compressed. */
  encoder: ContentEncoder | undefined = undefined;
  /** Whether to sync-flush after each chunk (GzipOptions.flush for this media type). */
  flush = false;
  /** Neither identity nor any coding we have is acceptable: answer 406. */
  refused = false;
  /** The response goes up compressed: `start` gives its head the encoded headers. */
  compressed = false;
  /** The length of a body compressed in one call, for its Content-Length. */
  private length: number | undefined = undefined;

  constructor(
    readonly config: ResolvedGzipOptions,
    private readonly environ: Environ,
    readonly negotiation: Negotiation,
    /** A HEAD request: headers only, the body is not compressed. */
    readonly head: boolean,
  ) {}

  /** Whether a whole body of `length` bytes goes as it is: under the threshold, and identity acceptable. */
  sendsAsIs(length: number | undefined): boolean {
    return length !== undefined && length < this.config.threshold && this.negotiation.identity;
  }

  /** The skip rules, from status and headers: false sends the head up at once. */
  hold(head: ResponseHead): boolean {
    const { headers } = head;
    const code = statusCode(head.status);
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
    if (skip || alreadyEncoded(encoding) || !this.config.filter(type, this.environ)) return false;
    const { coding, identity } = this.negotiation;
    this.refused = coding === undefined && !identity;
    if (coding === undefined) {
      if (identity) return passWithVary(head);
      if (this.config.throwHttpErrors) throw new HttpError(406, REFUSAL_TEXT, { headers: [['Vary', 'Accept-Encoding']] });
      return true;
    }
    if (length !== undefined && this.sendsAsIs(Number(length))) return passWithVary(head);
    const encoder = this.config.encoders.get(coding)!;
    const flush = this.config.flush(type);
    // An encoder that cannot flush (CompressionStream) would hold events back: an event
    // stream goes as is; other bodies are compressed, only without a flush per chunk.
    if (flush && !encoder.canFlush && identity && isEventStream(type)) return passWithVary(head);
    this.encoder = encoder;
    this.flush = flush;
    return true;
  }

  /** The body to send for a held response; see the module comment. */
  respond(head: ResponseHead, body: Body, written: Uint8Array[]): Body | Promise<Body> {
    if (this.refused) {
      head.status = '406 Not Acceptable';
      head.headers = REFUSAL_HEADERS.slice();
      return [REFUSAL];
    }
    if (this.head) {
      // The headers a GET would get, without touching the body.
      if (this.sendsAsIs(arrayBodyLength(body))) head.headers = withVary(head.headers);
      else this.compressed = true;
      return body;
    }
    if (Array.isArray(body) && written.length === 0) return this.respondArray(head, body as Uint8Array[] & Body, written);
    if (isAsyncBody(body)) return this.stream(new BodyWalk(body), [], written);
    return this.respondSync(head, new BodyWalk(body), written);
  }

  /** The head as it goes up: a compressed response's headers. */
  start(head: ResponseHead): void {
    if (!this.compressed) return;
    head.headers = encodedHeaders(head.headers, this.encoder!.coding, this.length);
    // A later head (startResponse with excInfo) is for a body that streams through the compressor.
    this.length = undefined;
  }

  private respondArray(head: ResponseHead, body: Uint8Array[] & Body, written: Uint8Array[]): Body | Promise<Body> {
    const length = arrayBodyLength(body)!;
    if (Number.isNaN(length)) throw new TypeError(`gzip: ${body.map(checkChunk).find((problem) => problem !== undefined)}`);
    if (this.sendsAsIs(length)) {
      head.headers = withVary(head.headers);
      return body;
    }
    if (length > this.config.oneShotLimit) return this.respondSync(head, new BodyWalk(body), written);
    return this.oneShot(body, length);
  }

  /** A sync body (or one with writes before it): collected up to oneShotLimit, then decided. */
  private respondSync(head: ResponseHead, walk: BodyWalk, written: Uint8Array[]): Body | Promise<Body> {
    const held = written.splice(0);
    let bytes = 0;
    for (const chunk of held) bytes += chunk.byteLength;
    const stopAt = Math.max(this.config.oneShotLimit + 1, this.config.threshold);
    while (bytes < stopAt) {
      const step = walk.next() as IteratorResult<Uint8Array>;
      if (step.done === true) break;
      if (!(step.value instanceof Uint8Array)) throw new TypeError(`gzip: ${checkChunk(step.value)}`);
      held.push(step.value);
      bytes += step.value.byteLength;
    }
    if (!walk.done) return this.stream(walk, held, written);
    if (this.sendsAsIs(bytes)) {
      head.headers = withVary(head.headers);
      return held;
    }
    return this.oneShot(held, bytes);
  }

  /** The whole body compressed in one call, sent with its Content-Length. */
  private oneShot(chunks: Uint8Array[], length: number): Body | Promise<Body> {
    const output = this.encoder!.compress(chunks.length === 1 ? chunks[0]! : concatBytes(chunks, length));
    if (isPromise<Uint8Array>(output)) return Promise.resolve(output).then((compressed) => this.compressedBody(compressed));
    return this.compressedBody(output);
  }

  private compressedBody(compressed: Uint8Array): Body {
    this.compressed = true;
    this.length = compressed.byteLength;
    return [compressed];
  }

  private stream(walk: BodyWalk, held: Uint8Array[], written: Uint8Array[]): Body {
    this.compressed = true;
    // Sync-flush per chunk only where the app may pause between chunks: the chunks
    // of a sync iterable are all there, and flushing them costs ratio.
    return new CompressedBody(this.encoder!.createPump(this.flush && !walk.sync), walk, held, written);
  }
}

function passWithVary(head: ResponseHead): false {
  head.headers = withVary(head.headers);
  return false;
}

/** gzip()'s hooks on core's response wrapper; the state is the request's GzipResponse. */
export const GZIP_HOOKS: ResponseHooks<GzipResponse> = {
  hold: (head, response) => response.hold(head),
  respond: (head, body, response, written) => response.respond(head, body, written),
  start: (head, response) => response.start(head),
};
