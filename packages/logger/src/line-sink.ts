/**
 * Batched line output, so that logging costs one write per batch rather than one
 * syscall per request under load. Lines are encoded (UTF-8) into one reused byte
 * buffer as they come, which is written out when it holds `maxBuffer` bytes, on the
 * next turn of the event loop (`setImmediate`, `flushInterval` 0) or after
 * `flushInterval` ms, and at exit. Node streams get the batch as bytes, text
 * targets (`wsgi.errors`) as a string; an idle `fs.WriteStream` on a file gets it
 * with one `fs.writeSync` on its descriptor (see file-write.ts).
 *
 * Why bytes and not a growing string: a string built by `+=` keeps every line (and
 * every piece the formatter joined) alive until the flush. Under load a young-
 * generation GC then finds thousands of them alive at once, V8 starts allocating
 * them straight in the old generation, and the server spends much of its time in GC
 * (docs/benchmarks.md, figures behind choices in the code). Copied into bytes, a line is garbage
 * the moment it is pushed.
 *
 * Web APIs only (TextEncoder, timers), so it runs on Workers, Deno and Bun too; where
 * there is no `process` (Workers without nodejs_compat) there is no exit flush, and on
 * Workers, whose timers end with the response, every line is written as it comes.
 *
 * The timers are unref'd, so a pending flush never keeps a process alive. Pending
 * sinks are flushed from one `beforeExit` and one `exit` listener for the whole
 * process, installed the first time a sink is made: at `beforeExit` the writes can
 * still complete; at `exit` only synchronous targets (files and pipes on stdout or
 * stderr, `wsgi.errors` writing to them) get their last lines out.
 *
 * @example
 * const sink = new LineSink(process.stdout, { flushInterval: 0, maxBuffer: 65536 });
 * sink.push('one line\n');
 * @module
 */
import { idleFileDescriptor, writeDirect } from './file-write.js';

/** Anything lines can be written to: a Node Writable (process.stdout, fs.WriteStream) or `wsgi.errors`. */
export interface LineTarget {
  write(text: string): unknown;
}

/** A Node stream, which also takes bytes. */
interface ByteTarget {
  write(bytes: Uint8Array): unknown;
}

export interface LineSinkOptions {
  /** Milliseconds to hold lines before writing; 0 writes on the next event-loop turn. */
  flushInterval: number;
  /** Write at once when this many bytes are buffered. */
  maxBuffer: number;
}

// Sinks holding lines, flushed at exit. A sink is only in here while it has data.
const pending = new Set<LineSink>();
let exitHooked = false;

function flushPending(): void {
  for (const sink of pending) sink.flush();
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  const proc = (globalThis as { process?: { on?: (event: string, listener: () => void) => unknown } }).process;
  if (typeof proc?.on !== 'function') return;
  proc.on('beforeExit', flushPending);
  proc.on('exit', flushPending);
}

type Timer = { unref?(): unknown };
type Schedule = (callback: (sink: LineSink) => void, sink: LineSink) => Timer;
// setImmediate is Node's (and Bun's, Deno's); elsewhere a zero timeout is the next turn.
const nextTurn: Schedule =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (callback, sink) => setImmediate(callback, sink)
    : (callback, sink) => setTimeout(callback, 0, sink) as Timer;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Cloudflare Workers cancel a request's timers once its response is done, and a line
 * is pushed as the response ends: there a timer would lose it, so each line goes out
 * at once. (`navigator.userAgent` is how Workers document telling them apart.)
 */
const TIMERS_OUTLIVE_RESPONSE =
  (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent !== 'Cloudflare-Workers';

function scheduledFlush(sink: LineSink): void {
  sink.scheduled = false;
  sink.flush();
}

/** Node streams take bytes; anything else (`wsgi.errors`) is a text stream. */
function takesBytes(target: LineTarget): boolean {
  return typeof (target as { writableLength?: unknown }).writableLength === 'number';
}

// UTF-8 takes at most 3 bytes for each UTF-16 code unit.
const MAX_BYTES_PER_CHAR = 3;

export class LineSink {
  /** True while a timer will flush this sink. */
  scheduled = false;
  private readonly bytes: Uint8Array;
  private used = 0;
  private readonly binary: boolean;

  constructor(
    readonly target: LineTarget,
    private readonly options: LineSinkOptions,
  ) {
    hookExit();
    this.bytes = new Uint8Array(Math.max(options.maxBuffer, 4096));
    this.binary = takesBytes(target);
  }

  /** Queues `text` (one or more whole lines) for the target. */
  push(text: string): void {
    if (this.used === 0) pending.add(this);
    if (this.used + text.length * MAX_BYTES_PER_CHAR > this.bytes.length) {
      this.flush();
      if (text.length * MAX_BYTES_PER_CHAR > this.bytes.length) {
        // Longer than the whole buffer: it goes out on its own.
        if (this.binary) (this.target as unknown as ByteTarget).write(encoder.encode(text));
        else this.target.write(text);
        return;
      }
      pending.add(this);
    }
    this.used += encoder.encodeInto(text, this.bytes.subarray(this.used)).written;
    if (this.used >= this.options.maxBuffer || !TIMERS_OUTLIVE_RESPONSE) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      // The sink goes as the timer's argument: no closure per batch.
      const interval = this.options.flushInterval;
      const timer = interval > 0 ? (setTimeout(scheduledFlush, interval, this) as Timer) : nextTurn(scheduledFlush, this);
      timer.unref?.();
    }
  }

  /** Writes what is buffered now. */
  flush(): void {
    const used = this.used;
    if (used === 0) return;
    this.used = 0;
    pending.delete(this);
    if (!this.binary) {
      this.target.write(decoder.decode(this.bytes.subarray(0, used)));
      return;
    }
    const fd = idleFileDescriptor(this.target);
    const written = fd === undefined ? 0 : writeDirect(fd, this.bytes, used);
    if (written === used) return;
    // A copy the stream may keep while its write is in flight; the buffer is reused.
    const batch = this.bytes.slice(written, used);
    (this.target as unknown as ByteTarget).write(batch);
  }
}

/** Writes every sink's buffered lines now, from every logger. */
export function flushAll(): void {
  flushPending();
}
