import {
  arrayBodyLength,
  closeBody,
  onClose,
  statusCode,
  type Application,
  type Body,
  type Environ,
  type Middleware,
  type StartResponse,
  type Write,
} from '@tsgi/core';

/** What `responseStats` reports for each response. */
export interface ResponseStats {
  method: string;
  path: string;
  /** The status code the app gave, 0 if it never called startResponse. */
  status: number;
  /** Body bytes that passed this layer (iterated or written). */
  bytes: number;
  /** Milliseconds from the call to the body's close(). */
  ms: number;
}

export interface ResponseStatsOptions {
  /** Called once per response, after the body was closed. */
  onResponse: (stats: ResponseStats) => void;
  /**
   * Response header that tells the client how long the app took to start the response.
   * @default 'Server-Timing'
   */
  header?: string | false;
}

/** Per-request state; the functions below take it as an argument instead of closing over it. */
class Exchange {
  readonly stats: ResponseStats;
  private readonly started = performance.now();
  private write: Write | undefined;
  constructor(
    environ: Environ,
    private readonly options: Required<ResponseStatsOptions>,
    private readonly startResponse: StartResponse,
  ) {
    this.stats = { method: environ.REQUEST_METHOD, path: environ.PATH_INFO, status: 0, bytes: 0, ms: 0 };
  }

  /** The startResponse the app below gets: note the status, add a header, pass it on. */
  readonly wrappedStartResponse: StartResponse = (status, headers, excInfo) => {
    this.stats.status = statusCode(status);
    const { header } = this.options;
    // A copy, not a push: the app may reuse its header list for other responses.
    const sent = header ? [...headers, [header, `app;dur=${this.elapsed().toFixed(1)}`] as [string, string]] : headers;
    this.write = this.startResponse(status, sent, excInfo);
    return this.countingWrite;
  };

  /** write() bypasses the body, so its bytes are counted here. */
  private readonly countingWrite: Write = (chunk) => {
    this.stats.bytes += chunk.byteLength;
    this.write!(chunk);
  };

  elapsed(): number {
    return performance.now() - this.started;
  }

  /** Runs once, after the body's own close(). */
  readonly finish = (): void => {
    this.stats.ms = this.elapsed();
    this.options.onResponse(this.stats);
  };
}

/** A body that counts the chunks it passes on, one at a time (so backpressure holds). */
class CountingBody implements AsyncIterable<Uint8Array> {
  constructor(
    private readonly inner: Body,
    private readonly exchange: Exchange,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    // If the server stops early it calls return() on this generator; `for await`
    // then calls return() on the inner iterator, so its `finally` blocks run too.
    for await (const chunk of this.inner) {
      this.exchange.stats.bytes += chunk.byteLength;
      yield chunk;
    }
  }

  /** The server calls this exactly once; so do we, for the body we wrap. */
  async close(): Promise<void> {
    try {
      await closeBody(this.inner);
    } finally {
      this.exchange.finish();
    }
  }
}

/**
 * Reports status, size and time of every response, and adds a Server-Timing header.
 *
 * @example
 * const app = responseStats({ onResponse: (s) => console.log(s.status, s.bytes) })(hello);
 */
export function responseStats(options: ResponseStatsOptions): Middleware {
  if (typeof options?.onResponse !== 'function') {
    throw new TypeError('responseStats: onResponse must be a function (stats) => void');
  }
  const header = options.header ?? 'Server-Timing';
  if (header !== false && typeof header !== 'string') {
    throw new TypeError('responseStats: header must be a header name or false');
  }
  const resolved: Required<ResponseStatsOptions> = { onResponse: options.onResponse, header };

  return (app: Application): Application =>
    async function responseStatsApp(environ, startResponse) {
      const exchange = new Exchange(environ, resolved, startResponse);
      // If the app throws, there is no body to close and no stats: the error goes up.
      const body = await app(environ, exchange.wrappedStartResponse);
      const length = arrayBodyLength(body);
      if (length !== undefined) {
        // Arrays stay arrays: the gateway writes them in one call with a Content-Length.
        exchange.stats.bytes += length;
        return onClose(body, exchange.finish);
      }
      return new CountingBody(body, exchange);
    };
}
