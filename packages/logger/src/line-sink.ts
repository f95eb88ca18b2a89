/**
 * Batched line output, so that logging costs one write per batch rather than one
 * syscall per request under load. Lines are appended to a string buffer that is
 * written out when it reaches `maxBuffer` characters, on the next turn of the event
 * loop (`setImmediate`, `flushInterval` 0) or after `flushInterval` ms, and at exit.
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

/** Anything lines can be written to: a Node Writable (process.stdout, fs.WriteStream) or `wsgi.errors`. */
export interface LineTarget {
  write(text: string): unknown;
}

export interface LineSinkOptions {
  /** Milliseconds to hold lines before writing; 0 writes on the next event-loop turn. */
  flushInterval: number;
  /** Write at once when this many characters are buffered. */
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
  process.on('beforeExit', flushPending);
  process.on('exit', flushPending);
}

function scheduledFlush(sink: LineSink): void {
  sink.scheduled = false;
  sink.flush();
}

export class LineSink {
  /** True while a timer will flush this sink. */
  scheduled = false;
  private buffer = '';

  constructor(
    readonly target: LineTarget,
    private readonly options: LineSinkOptions,
  ) {
    hookExit();
  }

  /** Queues `text` (one or more whole lines) for the target. */
  push(text: string): void {
    if (this.buffer === '') pending.add(this);
    this.buffer += text;
    if (this.buffer.length >= this.options.maxBuffer) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      // The sink goes as the timer's argument: no closure per batch.
      const interval = this.options.flushInterval;
      const timer = interval > 0 ? setTimeout(scheduledFlush, interval, this) : setImmediate(scheduledFlush, this);
      timer.unref();
    }
  }

  /** Writes what is buffered now. */
  flush(): void {
    const text = this.buffer;
    if (text === '') return;
    this.buffer = '';
    pending.delete(this);
    this.target.write(text);
  }
}

/** Writes every sink's buffered lines now, from every logger. */
export function flushAll(): void {
  flushPending();
}
