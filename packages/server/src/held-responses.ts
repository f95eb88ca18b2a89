/**
 * Pipelined responses when the client hangs up. node:http runs the app for every
 * request it parses (a client may send several at once, RFC 9112 9.3.2) but holds each
 * response, with no socket, until the one before it has finished. When the client
 * goes away, node tells the response on the wire ('close') and destroys the requests,
 * but a held response never hears of it: its body would never be stopped or closed,
 * its `finally` blocks would never run, and a file it streams would stay open.
 *
 * So the gateway keeps, per socket, the responses that are held, and when the socket
 * closes it aborts those still unfinished (each abort is once-only, so one that got
 * the socket later and heard 'close' itself is not aborted twice). A response that
 * finishes leaves the set; a connection without pipelining never makes one.
 *
 * @example
 * if (res.socket === null) this.held = holdUntilClose(req.socket, this);
 * // ... once the response is done:
 * this.held?.delete(this);
 *
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-9.3.2 (pipelining)
 * @module
 */
import type { Socket } from 'node:net';

/** What the socket's close does to a held response: stop its body, close it, once. */
export interface Abortable {
  abort(): void;
}

const kHeld = Symbol('tsgi.held_responses');
type Tracked = Socket & { [kHeld]?: Set<Abortable> };

// A module function (`this` is the socket), not a closure per connection.
function abortHeld(this: Tracked): void {
  const held = this[kHeld];
  if (held === undefined) return;
  this[kHeld] = undefined;
  for (const response of held) response.abort();
}

function abortLater(response: Abortable): void {
  response.abort();
}

/**
 * Aborts `response` when `socket` closes, unless it leaves the returned set first.
 * On a socket already closed it is aborted on the next tick (never inside the caller).
 */
export function holdUntilClose(socket: Socket, response: Abortable): Set<Abortable> | null {
  const tracked = socket as Tracked;
  if (tracked.destroyed) {
    process.nextTick(abortLater, response);
    return null;
  }
  let held = tracked[kHeld];
  if (held === undefined) {
    held = tracked[kHeld] = new Set();
    tracked.once('close', abortHeld);
  }
  held.add(response);
  return held;
}
