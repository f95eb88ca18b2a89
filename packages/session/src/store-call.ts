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
import { isPromise, type Environ } from '@tsgi/core';

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

  constructor(private readonly timeout: number) {}

  /** `run()`'s answer, or a rejection with a SessionStoreError. */
  async call<T>(environ: Environ, operation: string, run: () => T | Promise<T>): Promise<T> {
    let answer: T | Promise<T>;
    try {
      answer = run();
    } catch (error) {
      throw this.failed(environ, operation, error);
    }
    if (!isPromise(answer)) return this.answered(environ, answer);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new StoreTimeout(this.timeout)), this.timeout);
      // Node: a request waiting on the store does not keep a stopping process alive.
      (timer as { unref?(): void }).unref?.();
    });
    try {
      return this.answered(environ, await Promise.race([answer, timedOut]));
    } catch (error) {
      throw this.failed(environ, operation, error);
    } finally {
      clearTimeout(timer);
    }
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
