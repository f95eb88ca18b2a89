/**
 * Every store call goes through here: it is bounded by the store's `timeout` (a
 * Redis that accepts the connection and never answers costs that long, no longer,
 * whatever the client's own options), its failure becomes a `RedisStoreError` naming
 * the store, and an outage is reported once when it starts and once when Redis
 * answers again (`onOutage`), never once per request: a dead Redis under load must
 * not flood a log. No timer runs between calls; nothing is retried here (ioredis
 * reconnects by itself, and the next request simply tries again).
 *
 * @example
 * const watch = new OutageWatch('redisStore', 1000, (event) => console.error(event));
 * const answer = await watch.call(client.get('k'));
 * @module
 */

/** What `onOutage` hears: Redis stopped answering (with the first error), or answers again. */
export type OutageEvent =
  | { type: 'down'; error: RedisStoreError }
  | { type: 'up'; /** calls that failed during the outage */ failures: number; /** ms since the first failure */ downMs: number };

/** A store call that failed: Redis unreachable, too slow, or it answered an error. */
export class RedisStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisStoreError';
  }
}

export class OutageWatch {
  private failures = 0;
  private downSince = 0;

  constructor(
    private readonly who: string,
    private readonly timeout: number,
    private readonly onOutage: ((event: OutageEvent) => void) | undefined,
  ) {}

  /** `pending`'s answer, or a RedisStoreError once it fails or `timeout` ms pass. */
  call<T>(pending: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // A late answer after the timeout is ignored: that call was already counted as failed.
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(this.failed(`Redis did not answer within ${this.timeout} ms`));
      }, this.timeout);
      // Node: a call waiting on Redis does not keep a stopping process alive.
      (timer as { unref?(): void }).unref?.();
      pending.then(
        (value) => {
          if (late) return;
          clearTimeout(timer);
          this.answered();
          resolve(value);
        },
        (error: unknown) => {
          if (late) return;
          clearTimeout(timer);
          reject(this.failed(error instanceof Error ? error.message : String(error), error));
        },
      );
    });
  }

  private answered(): void {
    if (this.failures === 0) return;
    const event: OutageEvent = { type: 'up', failures: this.failures, downMs: Date.now() - this.downSince };
    this.failures = 0;
    this.report(event);
  }

  private failed(what: string, cause?: unknown): RedisStoreError {
    const error = new RedisStoreError(`${this.who}: ${what}`, { cause });
    if (this.failures++ === 0) {
      this.downSince = Date.now();
      this.report({ type: 'down', error });
    }
    return error;
  }

  private report(event: OutageEvent): void {
    try {
      this.onOutage?.(event);
    } catch {
      // A broken log hook is not the request's problem.
    }
  }
}
