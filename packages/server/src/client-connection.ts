/**
 * `environ['tsgi.connection']` as the gateway offers it: one small object a request
 * that tells the app (or a wrapped node listener) when the client goes away before
 * the response is complete. The response writer calls `close()` when node's
 * `'close'` comes before `'finish'`.
 *
 * The `AbortSignal` is made only when someone reads `signal`: on Node 20 creating one
 * costs microseconds, more than the rest of a hello-world request's environ.
 *
 * @example
 * const connection = new GatewayConnection();
 * environ['tsgi.connection'] = connection;
 * res.on('close', () => connection.close());
 *
 * @see https://pkg.go.dev/net/http#Request.Context (the same idea in Go)
 * @module
 */
import { ConnectionAbort, type ClientConnection } from '@tsgi/core';

type Listener = (reason: Error) => void;

export class GatewayConnection implements ClientConnection {
  private reason: ConnectionAbort | null = null;
  private listeners: Listener | Listener[] | null = null;
  private controller: AbortController | null = null;

  get closed(): boolean {
    return this.reason !== null;
  }

  onClose(listener: Listener): void {
    if (typeof listener !== 'function') {
      throw new TypeError(`tsgi.connection: onClose takes a function (reason) => void, got ${typeof listener}`);
    }
    if (this.reason !== null) {
      listener(this.reason);
      return;
    }
    // One listener (the common case) is kept without an array.
    const listeners = this.listeners;
    if (listeners === null) this.listeners = listener;
    else if (typeof listeners === 'function') this.listeners = [listeners, listener];
    else listeners.push(listener);
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.reason !== null) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /**
   * The client went away before the response was complete: tell everyone, once. A
   * listener that throws does not keep the others from being told; the first error
   * is rethrown once all have run.
   */
  close(): void {
    if (this.reason !== null) return;
    const reason = (this.reason = new ConnectionAbort('the client closed the connection before the response was complete'));
    const listeners = this.listeners;
    this.listeners = null;
    let failure: { error: unknown } | null = null;
    if (typeof listeners === 'function') {
      try {
        listeners(reason);
      } catch (error) {
        failure = { error };
      }
    } else if (listeners !== null) {
      for (const listener of listeners) {
        try {
          listener(reason);
        } catch (error) {
          failure ??= { error };
        }
      }
    }
    try {
      this.controller?.abort(reason);
    } catch (error) {
      failure ??= { error };
    }
    if (failure !== null) throw failure.error;
  }
}
