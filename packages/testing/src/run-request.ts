/**
 * Runs one request through an application the way the gateway does, minus the
 * socket: a lazy startResponse (status and headers count as sent at the first
 * non-empty chunk or write), excInfo handling, write(), body collection up to a
 * byte limit, HEAD without iteration, and exactly one close() on every path.
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import { checkHeaders, checkStatus, statusLine, type Application, type Body, type Environ, type ResponseHeaders } from '@tsgi/core';

export interface RunResult {
  status: string;
  headers: ResponseHeaders;
  chunks: Uint8Array[];
  truncated: boolean;
  closeCalls: number;
}

const INTERNAL_ERROR: ResponseHeaders = [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', '21']];

class Collector {
  status: string | undefined = undefined;
  headers: ResponseHeaders = [];
  chunks: Uint8Array[] = [];
  total = 0;
  sent = false;
  truncated = false;
  readonly startResponse: (status: string, headers: ResponseHeaders, excInfo?: unknown) => (chunk: Uint8Array) => void;
  readonly #write: (chunk: Uint8Array) => void;

  constructor(readonly maxBodyBytes: number) {
    this.#write = (chunk) => {
      if (!(chunk instanceof Uint8Array)) throw new TypeError('testClient: write() takes a Uint8Array');
      this.collect(chunk);
    };
    this.startResponse = (status, headers, excInfo) => {
      if (excInfo !== undefined) {
        if (this.sent) throw excInfo;
      } else if (this.status !== undefined) {
        throw new Error('testClient: startResponse was called a second time without excInfo');
      }
      const problem = checkStatus(status) ?? checkHeaders(headers);
      if (problem) throw new Error(`testClient: ${problem}`);
      this.status = status;
      this.headers = headers;
      return this.#write;
    };
  }

  /** Keeps a chunk; false once maxBodyBytes is reached and iteration should stop. */
  collect(chunk: Uint8Array): boolean {
    if (chunk.byteLength === 0) return !this.truncated;
    if (this.status === undefined) throw new Error('testClient: the body yielded bytes before startResponse was called');
    this.sent = true;
    if (this.truncated) return false;
    const room = this.maxBodyBytes - this.total;
    if (chunk.byteLength > room) {
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.total = this.maxBodyBytes;
      this.truncated = true;
      return false;
    }
    this.chunks.push(chunk);
    this.total += chunk.byteLength;
    return true;
  }
}

async function iterate(body: Body, collector: Collector, headOnly: boolean): Promise<void> {
  if (Array.isArray(body) && !headOnly) {
    for (const chunk of body as Uint8Array[]) {
      if (!(chunk instanceof Uint8Array)) throw new TypeError('testClient: a body chunk is not a Uint8Array');
      if (!collector.collect(chunk)) break;
    }
    return;
  }
  // HEAD: pull only until startResponse was called (a generator calls it lazily).
  if (headOnly && collector.status !== undefined) return;
  const iterator =
    Symbol.asyncIterator in body
      ? (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
      : (body as Iterable<Uint8Array>)[Symbol.iterator]();
  let finished = false;
  try {
    for (;;) {
      const result = await iterator.next();
      if (result.done) {
        finished = true;
        return;
      }
      if (!(result.value instanceof Uint8Array)) throw new TypeError('testClient: a body chunk is not a Uint8Array');
      if (headOnly) {
        if (collector.status !== undefined) return;
      } else if (!collector.collect(result.value)) {
        return;
      }
    }
  } finally {
    // Stopping early ends the iterator too, so the app's finally blocks run.
    if (!finished) await iterator.return?.();
  }
}

/** Calls `app` with `environ` and collects its response. */
export async function runRequest(
  app: Application,
  environ: Environ,
  options: { maxBodyBytes: number; catchErrors: boolean },
): Promise<RunResult> {
  const collector = new Collector(options.maxBodyBytes);
  let body: Body | undefined;
  let closeCalls = 0;
  let failure: { error: unknown } | undefined;
  try {
    body = await app(environ, collector.startResponse);
    await iterate(body, collector, environ.REQUEST_METHOD === 'HEAD');
    if (collector.status === undefined) throw new Error('testClient: the app finished without calling startResponse');
  } catch (error) {
    const isLint = error instanceof Error && error.name === 'LintError';
    if (!options.catchErrors || collector.sent || isLint) {
      failure = { error };
    } else {
      // Like the gateway: a 500 when nothing was sent yet, and the error to wsgi.errors.
      environ['wsgi.errors'].write(`${error instanceof Error ? error.stack : String(error)}\n`);
      collector.status = statusLine(500);
      collector.headers = INTERNAL_ERROR.map(([n, v]) => [n, v]);
      collector.chunks = [new TextEncoder().encode('Internal Server Error')];
    }
  }
  // close() exactly once, however the request ended.
  if (body && typeof body.close === 'function') {
    closeCalls++;
    try {
      await body.close();
    } catch (error) {
      // A close error must not hide the error that ended the request.
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
  return {
    status: collector.status!,
    headers: collector.headers,
    chunks: environ.REQUEST_METHOD === 'HEAD' ? [] : collector.chunks,
    truncated: collector.truncated,
    closeCalls,
  };
}
