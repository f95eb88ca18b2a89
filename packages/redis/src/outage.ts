/**
 * Every store call goes through here: it is bounded by the store's `timeout` (a
 * Redis that accepts the connection and never answers costs that long, no longer,
 * whatever the client's own options), its failure becomes a `RedisStoreError` naming
 * the store, and an outage is reported once when it starts and once when Redis
 * answers again (`onOutage`), never once per request: a dead Redis under load must
 * not flood a log. One timer serves every call in flight (deadlines.ts), and it stops
 * once no call is left; nothing is retried here (ioredis reconnects by itself, and
 * the next request simply tries again).
 *
 * @example
 * const watch = new OutageWatch('redisStore', 1000, (event) => console.error(event));
 * const answer = await watch.call(client.get('k'));
 * @module
 */
import { Deadlines } from '@tsgi/core';

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
  private readonly deadlines: Deadlines;

  constructor(
    private readonly who: string,
    private readonly timeout: number,
    private readonly onOutage: ((event: OutageEvent) => void) | undefined,
  ) {
    this.deadlines = new Deadlines(timeout);
  }

  /**
   * `pending`'s answer (through `then`, if given: one promise less per call than
   * chaining it), or a RedisStoreError once it fails or `timeout` ms pass.
   */
  call<T, R = T>(pending: Promise<T>, then?: (value: T) => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      // One timer for all calls in flight (deadlines.ts), not one per call. A late answer
      // after the deadline is ignored: that call was already counted as failed.
      const deadline = this.deadlines.add(() => reject(this.failed(`Redis did not answer within ${this.timeout} ms`)));
      pending.then(
        (value) => {
          if (!this.deadlines.clear(deadline)) return;
          if (this.failures > 0) this.answered();
          if (then === undefined) resolve(value as unknown as R);
          else {
            try {
              resolve(then(value));
            } catch (error) {
              reject(error);
            }
          }
        },
        (error: unknown) => {
          if (!this.deadlines.clear(deadline)) return;
          reject(this.failed(error instanceof Error ? error.message : String(error), error));
        },
      );
    });
  }

  private answered(): void {
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
