/**
 * The connections the `tsgi` primary has handed to one worker and that the worker has
 * not yet taken. The primary passes each accepted socket over the worker's IPC
 * channel; node sends one handle at a time and queues the rest until the worker's
 * node acknowledges the last one, and when the worker dies it drops that queue without
 * calling anyone back (and keeps the handle in flight open for good). So the primary
 * sends with `keepOpen` (its copy of the socket stays open), the worker answers every
 * connection with `{ tsgi: 'took', id }` before it reads a byte, and only then does the
 * primary close its copy. The connections of a worker that died first are still whole
 * here: `reclaim()` gives them back to be dealt to another worker.
 *
 * @example
 * const handed = new HandedSockets(child);
 * handed.hand(0, socket, deal);       // deal(index, socket) again if the send fails
 * handed.took(id);                    // on the worker's ack
 * for (const { index, socket } of handed.reclaim()) deal(index, socket); // on 'close'
 *
 * @see https://nodejs.org/api/child_process.html#subprocesssendmessage-sendhandle-options-callback
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/** Primary to worker: a connection for the server of the `index`-th address; `id` comes back in `took`. */
export interface ConnectionMessage {
  tsgi: 'connection';
  index: number;
  id: number;
}

/** Worker to primary: it holds connection `id` now. */
export interface TookMessage {
  tsgi: 'took';
  id: number;
}

interface Handed {
  index: number;
  socket: Socket;
}

/** Ids are unique across workers, so a stray ack can never close another worker's socket. */
let lastId = 0;

/** The sockets handed to one worker and not yet taken by it. */
export class HandedSockets {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Handed>();

  constructor(child: ChildProcess) {
    this.#child = child;
  }

  /** Connections on their way to the worker. */
  get size(): number {
    return this.#pending.size;
  }

  /** Sends the connection; when the send fails (the worker is gone), `retry` gets it back at once. */
  hand(index: number, socket: Socket, retry: (index: number, socket: Socket) => void): void {
    const id = ++lastId;
    this.#pending.set(id, { index, socket });
    const message: ConnectionMessage = { tsgi: 'connection', index, id };
    this.#child.send(message, socket, { keepOpen: true }, (error) => {
      // The callback only says the bytes were written; the ack says the worker has it.
      if (error && this.#pending.delete(id) && !socket.destroyed) retry(index, socket);
    });
  }

  /** The worker holds connection `id`: the primary's copy of it is closed (the client's connection stays open). */
  took(id: number): void {
    const handed = this.#pending.get(id);
    if (handed === undefined) return;
    this.#pending.delete(id);
    handed.socket.destroy();
  }

  /** Every connection the worker never took, oldest first; forgotten here. Call once the worker's channel is closed. */
  reclaim(): Handed[] {
    const left = [...this.#pending.values()].filter((handed) => !handed.socket.destroyed);
    this.#pending.clear();
    return left;
  }
}
