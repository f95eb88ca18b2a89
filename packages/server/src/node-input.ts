/**
 * `wsgi.input` over a node:http request (the reading methods, `read(size?)`, `readline(size?)`,
 * `readlines(hint?)` and async iteration, come from core's PullInputStream; chunks are never copied).
 * It never reads past `CONTENT_LENGTH` (node's parser stops there) and reads a
 * chunked body to its end (`wsgi.input_terminated`). When the client sent
 * `Expect: 100-continue`, `100 Continue` goes out on the first read, not before:
 * an app that refuses the upload never makes the client send it.
 *
 * A request with no body shares one frozen empty stream, so a GET costs nothing here.
 *
 * @example
 * const line = await environ['wsgi.input'].readline();
 * for await (const chunk of environ['wsgi.input']) sink.write(chunk);
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1 (Expect: 100-continue)
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PullInputStream, type InputStream } from '@tsgi/core';
import { ClientDisconnected } from '@tsgi/core/gateway';

const EMPTY: Uint8Array = Buffer.alloc(0);
const kInput = Symbol('tsgi.input');

/** Bodies this small that the app left unread are drained so keep-alive survives. */
export const DRAIN_LIMIT = 64 * 1024;

type Tagged = IncomingMessage & { [kInput]?: NodeInputStream };
// node's own flags for a request dispatched through 'checkContinue'.
type ContinueFlags = { _expect_continue?: boolean; _sent100?: boolean };

const END: IteratorResult<Uint8Array> = Object.freeze({ done: true, value: undefined });

class EmptyInput implements InputStream {
  read(): Promise<Uint8Array> {
    return Promise.resolve(EMPTY);
  }
  readline(): Promise<Uint8Array> {
    return Promise.resolve(EMPTY);
  }
  readlines(): Promise<Uint8Array[]> {
    return Promise.resolve([]);
  }
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return { next: () => Promise.resolve(END) };
  }
}

/** The input of every request that has no body. */
export const EMPTY_INPUT: InputStream = Object.freeze(new EmptyInput());

// Listeners are module functions (`this` is the request), not per-request closures.
function onData(this: Tagged, chunk: Buffer): void {
  const input = this[kInput]!;
  input.queue.push(chunk);
  // One chunk at a time: the socket stays paused until the app asks for more.
  this.pause();
  input.wakeUp();
}
function onEnd(this: Tagged): void {
  const input = this[kInput]!;
  input.ended = true;
  input.wakeUp();
}
function onError(this: Tagged, error: Error): void {
  const input = this[kInput]!;
  // node's 'aborted' (ECONNRESET) is the client leaving; core names it for access logs.
  input.error ??= (error as { code?: string }).code === 'ECONNRESET' ? new ClientDisconnected(undefined, { cause: error }) : error;
  input.wakeUp();
}
function onClose(this: Tagged): void {
  const input = this[kInput]!;
  if (!input.ended && input.error === null) input.error = new ClientDisconnected();
  input.wakeUp();
}

export class NodeInputStream extends PullInputStream {
  queue: Buffer[] = [];
  ended = false;
  error: Error | null = null;
  /** Body bytes taken off the wire so far. */
  consumed = 0;
  /** Most body bytes the app may read (limits.maxBodyBytes); past it, `onOverflow` runs and reads fail. */
  maxBytes = Infinity;
  onOverflow: ((req: IncomingMessage, res: ServerResponse) => Error) | null = null;
  private waiter: (() => void) | null = null;
  private listening = false;

  /** `length` is CONTENT_LENGTH, or -1 for a chunked body. */
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly length: number,
  ) {
    super();
  }

  /** True once the whole body has been read. */
  get done(): boolean {
    return this.length >= 0 ? this.consumed >= this.length : this.ended && this.queue.length === 0;
  }

  /** Bytes still on the wire, or Infinity when the body is chunked. */
  get remaining(): number {
    return this.length >= 0 ? this.length - this.consumed : this.done ? 0 : Infinity;
  }

  wakeUp(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /**
   * After the response: lets node discard a small unread rest so the connection can
   * be reused; returns false when the rest is too big (the caller closes instead).
   */
  discard(): boolean {
    if (!this.done && this.remaining > DRAIN_LIMIT) return false;
    if (this.listening) this.req.removeListener('data', onData);
    this.queue.length = 0;
    // Even when every byte was read: an app that read exactly CONTENT_LENGTH left the
    // request paused one event short of 'end', and node's parser keeps a request that
    // never ended (and through it this input, the response and the environ) for as long
    // as the connection stays open. Resumed, it ends, and node lets it go.
    this.req.resume();
    return true;
  }

  private listen(): void {
    this.listening = true;
    const req = this.req as Tagged;
    req[kInput] = this;
    const res = this.res as ServerResponse & ContinueFlags;
    if (res._expect_continue && !res._sent100 && !res.headersSent) res.writeContinue();
    if (req.readableEnded) this.ended = true;
    else if (req.destroyed) onClose.call(req);
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  }

  /** The next chunk of the body, or null at its end. */
  protected async pullChunk(): Promise<Buffer | null> {
    if (this.queue.length === 0 && !this.listening) this.listen();
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        this.consumed += chunk.byteLength;
        if (this.consumed > this.maxBytes) this.overflow();
        return chunk;
      }
      if (this.error !== null) throw this.error;
      if (this.ended) return null;
      this.req.resume();
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  /** The body passed `maxBytes`: the app never sees those bytes, and every later read fails. */
  private overflow(): never {
    this.queue.length = 0;
    if (this.listening) this.req.removeListener('data', onData);
    this.error ??= this.onOverflow?.(this.req, this.res) ?? new Error('tsgi: request body too large');
    this.maxBytes = -1; // every later pull lands here again
    throw this.error;
  }

  protected override join(parts: Uint8Array[], total: number): Uint8Array {
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  }
}
