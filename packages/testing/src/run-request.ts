/**
 * Runs one request through an application the way the gateway does, minus the
 * socket: the walk is core's `ResponseDriver`, the one the server and `toFetch` run;
 * this file is its sink, which keeps the bytes, up to a byte limit (past it the client
 * stops reading, as one that hangs up: the body is stopped and closed).
 *
 * An error the gateway would answer with a 500 is thrown to the test instead, unless
 * `catchErrors` is on; a `LintError` always is. An error after the headers (the
 * gateway's cut) is thrown either way.
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import { type Application, type Environ, type ResponseHeaders } from '@tsgi/core';
import { ResponseDriver, type WebSocketUpgrade } from '@tsgi/core/gateway';

export interface RunResult {
  status: string;
  headers: ResponseHeaders;
  chunks: Uint8Array[];
  truncated: boolean;
  closeCalls: number;
}

/** Whether a thrown value is lint's; false (not a throw) for a Proxy whose traps throw. */
function isLintError(error: unknown): boolean {
  try {
    return error instanceof Error && error.name === 'LintError';
  } catch {
    return false;
  }
}

/** The test client's output: the driver walks, this keeps the bytes. */
class Collector extends ResponseDriver {
  chunks: Uint8Array[] = [];
  /** Bytes kept, against `maxResponseBytes`. */
  total = 0;
  truncated = false;
  /** What the request rejects with: the error that ended it, else a close() that failed. */
  failure: { error: unknown } | undefined;

  constructor(
    private readonly environ: Environ,
    private readonly maxResponseBytes: number,
    private readonly catchErrors: boolean,
  ) {
    super(environ.REQUEST_METHOD === 'HEAD', environ['wsgi.errors'], 'testClient');
  }

  /** 1 when the body had a close() and it was called (the driver calls it once), else 0. */
  get closeCalls(): number {
    const walk = this.walk;
    return walk !== null && walk.closed && typeof walk.body.close === 'function' ? 1 : 0;
  }

  protected sendHead(): void {}

  protected sendChunk(chunk: Uint8Array): boolean {
    this.keep(chunk);
    return true;
  }

  protected sendEnd(last: Uint8Array | readonly Uint8Array[] | undefined): void {
    if (last instanceof Uint8Array) this.keep(last);
    else if (last !== undefined) for (const chunk of last) this.keep(chunk);
  }

  protected sendAbort(error: unknown): void {
    this.failure ??= { error };
  }

  protected override raises(error: unknown): boolean {
    return !this.catchErrors || isLintError(error);
  }

  protected override closeFailed(error: unknown): void {
    // A close error must not hide the error that ended the request.
    this.failure ??= { error };
  }

  protected where(): string {
    return `${this.environ.REQUEST_METHOD} ${this.environ.PATH_INFO}`;
  }

  /** Keeps what fits `maxResponseBytes`; past it the client stops reading. */
  private keep(chunk: Uint8Array): void {
    if (this.truncated) return;
    const room = this.maxResponseBytes - this.total;
    if (chunk.byteLength > room) {
      chunk = chunk.subarray(0, room);
      this.truncated = true;
    }
    if (chunk.byteLength > 0) this.chunks.push(chunk);
    this.total += chunk.byteLength;
    if (this.truncated) void this.clientGone();
  }
}

/** Calls `app` with `environ` and collects its response. */
export async function runRequest(
  app: Application,
  environ: Environ,
  options: { maxResponseBytes: number; catchErrors: boolean; upgrade?: WebSocketUpgrade },
): Promise<RunResult> {
  const collector = new Collector(environ, options.maxResponseBytes, options.catchErrors);
  const upgrade = options.upgrade;
  if (upgrade === undefined) await collector.run(app, environ);
  else {
    // A WebSocket handshake (core's): a 101 after accept() switches, here to a result
    // without bytes; any other answer is the collector's.
    let switched: RunResult | undefined;
    await upgrade.run(app, environ, {
      driver: collector,
      switchProtocols: (body) => {
        switched = { status: '101 Switching Protocols', headers: upgrade.headers, chunks: [], truncated: false, closeCalls: typeof body.close === 'function' ? 1 : 0 };
      },
    });
    if (switched !== undefined) return switched;
  }
  if (collector.failure) throw collector.failure.error;
  return {
    status: collector.status!,
    headers: collector.headers,
    chunks: collector.chunks,
    truncated: collector.truncated,
    closeCalls: collector.closeCalls,
  };
}
