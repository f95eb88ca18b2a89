/**
 * Runs one request through an application the way the gateway does, minus the
 * socket. The rules (startResponse once-only and excInfo, status and headers sent at
 * the first non-empty chunk or write(), Content-Length, HEAD and no-content statuses)
 * are core's `ResponseState`; the walk and its one close() core's `BodyWalk`. This
 * file collects the bytes, up to a byte limit.
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import { BodyWalk, INTERNAL_ERROR, ResponseState, checkBody, describeError, type Application, type Body, type Environ, type ResponseHeaders, type StartResponse, type WebSocketUpgrade, type Write } from '@tsgi/core';

export interface RunResult {
  status: string;
  headers: ResponseHeaders;
  chunks: Uint8Array[];
  truncated: boolean;
  closeCalls: number;
}

/** The test client's output: core's `ResponseState` keeps the rules, this keeps the bytes. */
class Collector extends ResponseState {
  chunks: Uint8Array[] = [];
  /** Bytes kept, against `maxBodyBytes`. */
  total = 0;
  truncated = false;
  readonly startResponse: StartResponse;
  readonly #write: Write;

  constructor(
    readonly maxBodyBytes: number,
    head: boolean,
  ) {
    super(head);
    this.#write = (chunk) => {
      this.checkWrite(chunk);
      // The first write() sends the headers, even when empty (PEP 3333).
      this.headersSent = true;
      this.collect(chunk);
    };
    this.startResponse = (status, headers, excInfo) => {
      this.start(status, headers, excInfo);
      return this.#write;
    };
  }

  /** A chunk the body yielded; false once iteration should stop. */
  yielded(chunk: Uint8Array): boolean {
    this.checkChunk(chunk);
    if (chunk.byteLength === 0) return true;
    this.headersSent = true;
    return this.collect(chunk);
  }

  /** Keeps what may go out of a chunk; false once Content-Length or maxBodyBytes is reached. */
  collect(chunk: Uint8Array): boolean {
    if (chunk.byteLength === 0 || !this.bodyAllowed) return true;
    if (this.truncated || this.overflow) return false;
    let n = this.take(chunk.byteLength);
    const room = this.maxBodyBytes - this.total;
    if (n > room) {
      n = room;
      this.truncated = true;
    }
    if (n > 0) this.chunks.push(n < chunk.byteLength ? chunk.subarray(0, n) : chunk);
    this.total += n;
    return !this.truncated && !this.overflow;
  }
}

/** Walks the body the way the gateway does: no content is pulled once the status says none. */
async function iterate(walk: BodyWalk, collector: Collector): Promise<void> {
  const sync = walk.sync;
  for (;;) {
    // HEAD and no-content statuses: pull only until startResponse was called (a
    // generator calls it lazily), then stop.
    if (collector.status !== undefined && !collector.bodyAllowed) break;
    let step = walk.next();
    if (!sync) step = await step;
    const { done, value } = step as IteratorResult<Uint8Array>;
    if (done === true) break;
    if (!collector.yielded(value)) {
      // Cut at maxBodyBytes by the client, not short of its Content-Length.
      if (collector.truncated) return;
      break;
    }
  }
  const problem = collector.endProblem();
  if (problem !== undefined) throw problem;
}

/** Whether a thrown value is lint's; false (not a throw) for a Proxy whose traps throw. */
function isLintError(error: unknown): boolean {
  try {
    return error instanceof Error && error.name === 'LintError';
  } catch {
    return false;
  }
}

/** Calls `app` with `environ` and collects its response. */
export async function runRequest(
  app: Application,
  environ: Environ,
  options: { maxBodyBytes: number; catchErrors: boolean; upgrade?: WebSocketUpgrade },
): Promise<RunResult> {
  const collector = new Collector(options.maxBodyBytes, environ.REQUEST_METHOD === 'HEAD');
  const upgrade = options.upgrade;
  let walk: BodyWalk | undefined;
  let failure: { error: unknown } | undefined;
  try {
    // A WebSocket handshake: a 101 after accept() stays with the upgrade (core's rules).
    const body: Body = await app(environ, upgrade === undefined ? collector.startResponse : upgrade.startResponse(collector.startResponse));
    const problem = checkBody(body);
    if (problem !== undefined) throw new TypeError(`testClient: ${problem}`);
    if (upgrade?.switching === true && (await upgrade.settle(body))) {
      return { status: '101 Switching Protocols', headers: upgrade.headers, chunks: [], truncated: false, closeCalls: typeof body.close === 'function' ? 1 : 0 };
    }
    walk = new BodyWalk(body);
    await iterate(walk, collector);
  } catch (error) {
    const isLint = isLintError(error);
    if (!options.catchErrors || collector.headersSent || isLint) {
      failure = { error };
    } else {
      // Like the gateway: a 500 when nothing was sent yet, and the error to wsgi.errors.
      environ['wsgi.errors'].write(`${describeError(error)}\n`);
      collector.status = INTERNAL_ERROR.status;
      collector.headers = INTERNAL_ERROR.headers();
      collector.chunks = [INTERNAL_ERROR.body];
    }
  }
  // return() if the walk stopped early, and close() exactly once, however the request ended.
  const closeCalls = walk !== undefined && typeof walk.body.close === 'function' ? 1 : 0;
  try {
    await walk?.close();
  } catch (error) {
    // A close error must not hide the error that ended the request.
    failure ??= { error };
  }
  if (failure) throw failure.error;
  return {
    status: collector.status!,
    headers: collector.headers,
    chunks: collector.chunks,
    truncated: collector.truncated,
    closeCalls,
  };
}
