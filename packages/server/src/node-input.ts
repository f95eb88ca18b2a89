/**
 * `wsgi.input` over a node:http request (the reading methods, `read(size?)`, `readline(size?)`,
 * `readlines(hint?)` and async iteration, come from core's PullInputStream). Each pull takes
 * what node's parser has buffered, in node's paused mode: a body that arrived whole is one
 * Buffer and one call, with no 'data' event, flowing switch or event-loop turn.
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

// Listeners are module functions (`this` is the request), not per-request closures,
// and are added only when a read has to wait: a body already parsed is read without them.
function onReadable(this: Tagged): void {
  this[kInput]!.wakeUp();
}
function onError(this: Tagged, error: Error): void {
  const input = this[kInput]!;
  // node's 'aborted' (ECONNRESET) is the client leaving; core names it for access logs.
  input.error ??= (error as { code?: string }).code === 'ECONNRESET' ? new ClientDisconnected(undefined, { cause: error }) : error;
  input.wakeUp();
}
function onClose(this: Tagged): void {
  const input = this[kInput]!;
  if (!this.complete && input.error === null) input.error = new ClientDisconnected();
  input.wakeUp();
}

export class NodeInputStream extends PullInputStream {
  /** Set once a read found the body's end. */
  ended = false;
  error: Error | null = null;
  /** Body bytes taken off the wire so far. */
  consumed = 0;
  /** Most body bytes the app may read (limits.maxBodyBytes); past it, `onOverflow` runs and reads fail. */
  maxBytes = Infinity;
  onOverflow: ((req: IncomingMessage, res: ServerResponse) => Error) | null = null;
  private waiter: (() => void) | null = null;
  private started = false;
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
    return this.length >= 0 ? this.consumed >= this.length : this.ended;
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
    // With a 'readable' listener node would not flow: taken off first (node lets the
    // request flow on the next tick, once it sees none is left).
    if (this.listening) this.req.removeListener('readable', onReadable);
    // Even when every byte was read: an app that read exactly CONTENT_LENGTH may have
    // left the request one read short of 'end', and node's parser keeps a request that
    // never ended (and through it this input, the response and the environ) for as long
    // as the connection stays open. Resumed, it ends, and node lets it go.
    this.req.resume();
    return true;
  }

  /** The first read: `100 Continue` goes out now, if the client waits for it. */
  private start(): void {
    this.started = true;
    const res = this.res as ServerResponse & ContinueFlags;
    if (res._expect_continue && !res._sent100 && !res.headersSent) res.writeContinue();
  }

  /** Before the first wait: the listeners that wake a waiting read. */
  private listen(): void {
    this.listening = true;
    const req = this.req as Tagged;
    req[kInput] = this;
    req.on('readable', onReadable).on('error', onError).on('close', onClose);
  }

  /**
   * The next chunk of the body, or null at its end. The request is read in node's
   * paused mode: `read()` hands over what the parser has buffered (by the time an app
   * awaits its first read, usually the whole body, in one Buffer), with no flowing
   * switch, 'data' event or turn of the event loop per chunk; only a read that finds
   * nothing buffered waits for 'readable'. node stops reading the socket while the
   * buffer is full (its high-water mark), so a slow reader holds the client back.
   */
  protected async pullChunk(): Promise<Buffer | null> {
    const req = this.req;
    if (!this.started) {
      this.start();
      // The app is called from node's 'request' event, inside the parse of the packet
      // that held the head: a body sent with it is not handed over yet, but will be
      // before any microtask runs (node runs them once the whole packet is parsed). One
      // turn of the microtask queue finds it buffered, where looking now would find
      // nothing and wait for 'readable' (three listeners and a nextTick'd event per
      // request). A body still on the wire after it is waited for as before.
      if (req.readableLength === 0 && !req.complete) await undefined;
    }
    for (;;) {
      if (this.error !== null) throw this.error;
      // Several buffered chunks come out joined (one copy, bounded by the high-water
      // mark), as the read(size) that would take them would join them anyway.
      // The whole declared body is in: that is its end, without waiting for node to
      // say so (node marks the message complete an event-loop phase after it handed
      // over the last byte). The request then ends when the gateway resumes it after
      // the response (discard()).
      if (this.consumed === this.length) {
        this.ended = true;
        return null;
      }
      const chunk = req.read() as Buffer | null;
      if (chunk !== null) {
        this.consumed += chunk.byteLength;
        if (this.consumed > this.maxBytes) this.overflow();
        return chunk;
      }
      // node sets `complete` when it has parsed the whole message: nothing buffered and
      // nothing more to come is the end (and this read() let node emit 'end').
      if (req.complete) {
        this.ended = true;
        return null;
      }
      if (req.destroyed) {
        this.error = new ClientDisconnected();
        continue;
      }
      if (!this.listening) this.listen();
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  /** The body passed `maxBytes`: the app never sees those bytes, and every later read fails. */
  private overflow(): never {
    this.error ??= this.onOverflow?.(this.req, this.res) ?? new Error('tsgi: request body too large');
    this.maxBytes = -1; // every later pull lands here again
    throw this.error;
  }

  protected override join(parts: Uint8Array[], total: number): Uint8Array {
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  }
}
