/**
 * Every call `session()` makes to a {@link SessionStore}, guarded: a throw, a rejection
 * or no answer within `storeTimeout` ms becomes a {@link SessionStoreError}, which the
 * middleware answers with a 503. A request never waits on a dead store longer than the
 * timeout, and the process never crashes on one. The outage is written to `wsgi.errors`
 * once when it begins and once when the store answers again, with how many requests it
 * cost: a dead Redis under load must not flood the log. Nothing needs restarting when
 * the store comes back: the next call simply succeeds.
 *
 * @example
 * const guard = new StoreGuard(2000);
 * const stored = await guard.call(environ, 'get', () => store.get(id));
 * @module
 */
import { Deadlines, isPromise, type Environ } from '@tsgi/core';

/** A store call failed, threw, rejected or timed out; `cause` is what it did. */
export class SessionStoreError extends Error {
  constructor(operation: string, cause: unknown) {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`the session store failed in ${operation}(): ${what}`, { cause });
    this.name = 'SessionStoreError';
  }
}

class StoreTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms (storeTimeout)`);
    this.name = 'TimeoutError';
  }
}

/** One line to the request's error stream; a broken log stream is not the client's problem. */
export function log(environ: Environ, line: string): void {
  try {
    environ['wsgi.errors'].write(line + '\n');
  } catch {
    // Nothing better to do with it.
  }
}

export class StoreGuard {
  /** Requests that failed since the outage began; 0 while the store answers. */
  private failures = 0;
  private readonly deadlines: Deadlines;

  constructor(private readonly timeout: number) {
    this.deadlines = new Deadlines(timeout);
  }

  /** `run()`'s answer, or a rejection with a SessionStoreError. */
  call<T>(environ: Environ, operation: string, run: () => T | Promise<T>): Promise<T> {
    let answer: T | Promise<T>;
    try {
      answer = run();
    } catch (error) {
      return Promise.reject(this.failed(environ, operation, error));
    }
    if (!isPromise(answer)) return Promise.resolve(this.answered(environ, answer));
    const pending = answer;
    return new Promise<T>((resolve, reject) => {
      // One timer for all calls in flight (deadlines.ts), not one per call; an answer
      // after the deadline is ignored: the request has had its 503.
      const deadline = this.deadlines.add(() => reject(this.failed(environ, operation, new StoreTimeout(this.timeout))));
      pending.then(
        (value) => {
          if (this.deadlines.clear(deadline)) resolve(this.answered(environ, value));
        },
        (error: unknown) => {
          if (this.deadlines.clear(deadline)) reject(this.failed(environ, operation, error));
        },
      );
    });
  }

  private answered<T>(environ: Environ, value: T): T {
    if (this.failures > 0) {
      log(environ, `session: the store answers again; ${this.failures} request(s) were answered 503 while it failed`);
      this.failures = 0;
    }
    return value;
  }

  private failed(environ: Environ, operation: string, error: unknown): SessionStoreError {
    const failure = new SessionStoreError(operation, error);
    if (this.failures++ === 0) log(environ, `session: ${failure.message}; answering 503 until it answers again`);
    return failure;
  }
}
