/**
 * What happens when the store fails: a throw, a rejection, or no answer within
 * `storeTimeout` ms. The request is never held longer than that and the process
 * never crashes; whether the request passes uncounted (`'open'`) or gets a 503
 * (`'closed'`) is the caller's choice. The outage is written to `wsgi.errors` once
 * when it starts and once when the store answers again, with how many requests it
 * cost, never once per request: a dead Redis under load must not flood the log.
 *
 * @example
 * const outage = new StoreOutage('open', 1000);
 * outage.failed(error, environ); // logs only the first failure of an outage
 * @module
 */
import type { Environ } from '@tsgi/core';
import type { HitResult } from './store.js';

export class StoreOutage {
  /** Requests that failed since the outage began; 0 while the store answers. */
  private failures = 0;

  constructor(
    private readonly mode: 'open' | 'closed',
    private readonly timeout: number,
  ) {}

  /** `pending`, or a rejection once `timeout` ms passed without an answer. */
  within(pending: PromiseLike<HitResult>): Promise<HitResult> {
    return new Promise<HitResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the store did not answer within ${this.timeout} ms`)), this.timeout);
      // Node: a request waiting on the store does not keep a stopping process alive (elsewhere a number, no unref).
      (timer as { unref?(): void }).unref?.();
      pending.then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** The store answered: ends an outage, if one was on. */
  answered(environ: Environ): void {
    if (this.failures === 0) return;
    log(environ, `rateLimit: the store answers again; ${this.failures} request(s) were ${this.mode === 'open' ? 'let through uncounted' : 'answered 503'} while it failed`);
    this.failures = 0;
  }

  /** The store failed for this request: logs when an outage begins. */
  failed(error: unknown, environ: Environ): void {
    if (this.failures++ > 0) return;
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const then = this.mode === 'open' ? 'letting requests through uncounted' : 'answering 503';
    log(environ, `rateLimit: the store failed (${what}); ${then} until it answers again (onStoreError: '${this.mode}')`);
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
