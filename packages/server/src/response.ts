/**
 * The gateway's output: how a response leaves on a node:http `ServerResponse`. The
 * walk itself (checks, once-only and excInfo, Content-Length accounting, no-content
 * statuses, the 500 before the headers and the cut after, the one `close()`) is core's
 * `ResponseDriver`; this file is its sink, and what only a socket has:
 *
 * - A response whose length is known when its head goes out (an array body, a sync
 *   body of one chunk, a file) gets a Content-Length; the rest is chunked on HTTP/1.1
 *   and close-delimited on HTTP/1.0. An array body goes out in one corked write.
 * - Backpressure: `res.write()` returning false parks the walk until 'drain'.
 * - Keep-alive: kept only when the unread request body is small enough to discard,
 *   and never after a body that disagreed with its Content-Length.
 * - A `wsgi.file_wrapper` body is piped from the file (`sendFile`).
 * - The client going away ('close' before 'finish', or the socket of a held pipelined
 *   response closing) tells `environ['tsgi.connection']` and stops the body.
 *
 * @example
 * const connection = new GatewayConnection(); // in the environ from the start
 * const environ = buildEnviron(req, res, config, connection);
 * const writer = new NodeResponseWriter(req, res, errors, input, connection);
 * writer.run(app, environ);
 *
 * @see https://peps.python.org/pep-3333/#buffering-and-streaming
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-6.3 (message body length)
 * @module
 */
import type { ReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { headerNameIs, type Body, type ErrorStream } from '@tsgi/core';
import { ResponseDriver } from '@tsgi/core/gateway';
import { GatewayConnection } from './client-connection.js';
import { isFileBody, type FileBody } from './file-wrapper.js';
import { holdUntilClose, type Abortable } from './held-responses.js';
import { reasonOf, withContentLength } from './response-head.js';
import { DRAIN_LIMIT, type NodeInputStream } from './node-input.js';

const kWriter = Symbol('tsgi.response_writer');
type TaggedResponse = ServerResponse & { [kWriter]?: NodeResponseWriter };

// Listeners are module functions (`this` is the response), not per-request closures.
function onResponseDrain(this: TaggedResponse): void {
  this[kWriter]?.resume();
}
function onResponseClose(this: TaggedResponse): void {
  // 'close' before 'finish' means the client went away mid-response.
  if (!this.writableFinished) this[kWriter]?.abort();
}

/**
 * Cuts the connection after what was written so far: node corks the socket for a
 * tick after a write, and destroying it corked would drop those bytes.
 */
function cut(res: ServerResponse): void {
  const socket = res.socket;
  if (socket) while (socket.writableCorked) socket.uncork();
  res.destroy();
}

function notContentLength(pair: [string, string]): boolean {
  return !headerNameIs(pair[0], 'content-length');
}

/** One response written to a node:http `ServerResponse`. */
export class NodeResponseWriter extends ResponseDriver implements Abortable {
  /** The head went out before the body's length was known: keep-alive is decided at the end. */
  private streamed = false;
  private watching = false;
  /** The socket's set of held (pipelined) responses this one is in, until it finishes. */
  private heldBy: Set<Abortable> | null = null;
  /** The file a file body is streaming from, to stop when the client leaves. */
  private fileStream: ReadStream | null = null;
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    errors: ErrorStream,
    /** The request body as the gateway made it (middleware may replace `wsgi.input`). */
    readonly input: NodeInputStream | null,
    /** `environ['tsgi.connection']`: told when the client leaves early (made before the environ, to be in it from the start). */
    readonly connection: GatewayConnection = new GatewayConnection(),
  ) {
    // The real method: middleware may rewrite REQUEST_METHOD, but HEAD is HEAD on the wire.
    super(req.method === 'HEAD', errors, 'tsgi');
  }

  /** The client went away (or its pipelined socket closed): as `clientGone()`. */
  abort(): void {
    void this.clientGone();
  }

  override clientGone(): void | Promise<void> {
    if (this.finished) return;
    // A held response's pipeline waits on a socket it will never get: end it here.
    this.fileStream?.destroy();
    try {
      this.connection.close();
    } catch (error) {
      this.log('error in a tsgi.connection onClose listener', error);
    }
    return super.clientGone();
  }

  override fail(error: unknown): void | Promise<void> {
    // Already answered by the gateway (a limit refused the request): nothing to add.
    if (this.res.writableEnded && !this.headersSent) return this.finish();
    return super.fail(error);
  }

  /**
   * Watches for the client going away from now on (node's 'close' on the response
   * before 'finish'). Only for responses that outlive the app's call: a sync array
   * body is done before.
   */
  watchClose(): void {
    if (this.watching) return;
    this.watching = true;
    const res = this.res as TaggedResponse;
    res[kWriter] = this;
    res.on('close', onResponseClose);
    // Pipelined behind a response still going out: node holds this one without a
    // socket, and it would never hear 'close' if the client left. The socket will.
    if (res.socket == null) this.heldBy = holdUntilClose(this.req.socket, this);
  }

  protected override watch(): void {
    this.watchClose();
  }

  protected override whenRoom(): void {
    this.res.once('drain', onResponseDrain);
  }

  protected override finish(): void | Promise<void> {
    if (!this.finished) this.heldBy?.delete(this);
    return super.finish();
  }

  protected sendHead(length: number, flush: boolean): void {
    let headers = this.headers;
    if (length >= 0) this.keepAliveIfDrainable();
    else this.streamed = true;
    if (this.code === 205) {
      // RFC 9110 15.3.6: no content, and the framing must say so (Content-Length: 0),
      // whatever length the app declared for the content it must not send.
      headers = headers.filter(notContentLength).concat([['Content-Length', '0']]);
    } else if (this.contentLength < 0 && length >= 0 && (length > 0 || this.bodyAllowed)) {
      headers = withContentLength(headers, length);
    }
    this.res.writeHead(this.code, reasonOf(this.status!), headers);
    // node holds a header block until the first body byte; this one must go now.
    if (flush) this.res.flushHeaders();
  }

  protected sendChunk(chunk: Uint8Array): boolean {
    return this.res.write(chunk);
  }

  protected sendEnd(last: Uint8Array | readonly Uint8Array[] | undefined): void {
    const res = this.res;
    // Taken now: the response lets go of its socket once it ends.
    const socket = res.socket;
    if (last === undefined || !Array.isArray(last)) res.end(last);
    else {
      res.cork();
      for (let i = 0; i < last.length; i++) res.write(last[i]!);
      res.end();
      res.uncork();
    }
    // Streamed: the connection is kept only if what the client may still send can be
    // read past, and never after a body cut at its Content-Length.
    if (this.streamed && (this.overflow || (this.input !== null && !this.input.discard()))) socket?.destroySoon();
  }

  protected sendAbort(): void {
    cut(this.res);
  }

  protected where(): string {
    return `${this.req.method ?? ''} ${this.req.url ?? ''}`;
  }

  protected override isFile(body: Body): boolean {
    return isFileBody(body);
  }

  protected override async sendFile(body: Body): Promise<void> {
    const file = body as FileBody;
    const res = this.res;
    const handle = await file.open();
    // -1 when unknown: a handle read from its current position, or not a regular file.
    const size = await file.byteLength(handle);
    if (this.gone) return;
    const declared = this.contentLength;
    if (declared >= 0 && size >= 0 && declared !== size) res.shouldKeepAlive = false;
    this.commit(size, false);
    const count = Math.min(declared >= 0 ? declared : Infinity, size >= 0 ? size : Infinity, file.length);
    if (count === 0) return;
    // No start: node reads from the handle's current position, and `end` then counts
    // from there.
    const start = file.offset;
    const stream = handle.createReadStream({
      start,
      end: count === Infinity ? undefined : (start ?? 0) + count - 1,
      highWaterMark: file.blockSize,
      autoClose: false,
    });
    this.fileStream = stream;
    try {
      await pipeline(stream, res, { end: false });
    } catch (error) {
      // The client left mid-file: nobody to tell.
      if (res.destroyed) return void this.clientGone();
      throw error;
    }
    this.written = stream.bytesRead;
  }

  /** Before the head of a response of known length: keep the connection only if the unread request body is small. */
  private keepAliveIfDrainable(): void {
    const input = this.input;
    if (input === null) return;
    if (input.remaining > DRAIN_LIMIT) this.res.shouldKeepAlive = false;
    else input.discard();
  }
}
