/**
 * The gate between node:http and the app: applies `checkRequest`, holds a chunked
 * request until its body is parsed (or a buffer's worth has arrived) so a bad chunk
 * or a forbidden trailer is refused before the app runs, and arms the body limit on
 * `wsgi.input` for bodies that pass it later. `dispatch` is the listener's own
 * function, called at most once per request.
 *
 * @example
 * const gate = createGate(resolveLimits(options.limits), options.onReject, dispatch);
 * http.createServer((req, res) => gate(req, res));
 *
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-7.1 (chunked transfer coding)
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '@tsgi/core';
import { NodeInputStream } from './node-input.js';
import { checkRequest, checkTrailers, REFUSALS, type Limits } from './limits.js';
import { isRejected, rejectResponse, type OnReject } from './reject.js';

export type Dispatch = (req: IncomingMessage, res: ServerResponse) => void;

const kHeld = Symbol('tsgi.held');
interface Held {
  res: ServerResponse;
  gate: GateState;
}
type HeldRequest = IncomingMessage & { [kHeld]?: Held | null };
interface GateState {
  limits: Limits;
  onReject: OnReject | undefined;
  dispatch: Dispatch;
}

// Listeners are module functions (`this` is the request), not per-request closures.
function onHeldReadable(this: HeldRequest): void {
  if (this.complete || this.readableLength >= this.readableHighWaterMark) release(this);
}
function onHeldClose(this: HeldRequest): void {
  unhold(this); // gone before the body was in: the app is never called
}

/** True while the gate holds `req` until its body is in: the app has not seen it. */
export function isHeld(req: IncomingMessage): boolean {
  return (req as HeldRequest)[kHeld] != null;
}

function unhold(req: HeldRequest): Held | null {
  const held = req[kHeld] ?? null;
  req[kHeld] = null;
  req.removeListener('readable', onHeldReadable);
  req.removeListener('close', onHeldClose);
  return held;
}

function release(req: HeldRequest): void {
  const held = unhold(req);
  if (held === null) return;
  const { res, gate } = held;
  if (isRejected(req.socket) || req.socket.destroyed) return; // the parser refused the body
  if (req.complete) {
    const problem = checkTrailers(req) ?? (req.readableLength > gate.limits.maxBodyBytes ? REFUSALS.bodyTooLarge : null);
    if (problem !== null) {
      rejectResponse(req, res, problem.status, problem.reason, gate.onReject);
      return;
    }
  }
  gate.dispatch(req, res);
}

function overflowed(this: GateState, req: IncomingMessage, res: ServerResponse): Error {
  if (!res.headersSent) rejectResponse(req, res, REFUSALS.bodyTooLarge.status, REFUSALS.bodyTooLarge.reason, this.onReject);
  return new HttpError(413, `request body larger than ${this.limits.maxBodyBytes} bytes`);
}

export interface Gate {
  /** The listener's entry point: refuses, holds, or dispatches the request. */
  enter: Dispatch;
  /** Arms the body limit on an environ's `wsgi.input` (a no-op for bodies without one). */
  arm(input: unknown): void;
}

/** Puts the limits in front of `dispatch`. */
export function createGate(limits: Limits, onReject: OnReject | undefined, dispatch: Dispatch): Gate {
  const state: GateState = { limits, onReject, dispatch };
  const onOverflow = overflowed.bind(state);
  const limited = limits.maxBodyBytes !== Infinity;
  return {
    enter(req: IncomingMessage, res: ServerResponse): void {
      // A refusal ends the connection (Connection: close): nothing after it on this
      // connection reaches the app, though node parsed it from the same packet. (A
      // held request is being read, and node emits the request behind it only after
      // that read reached the end, so a held refusal is made before the next one comes
      // here: the held-chunked rows of test/pipelining.test.ts would see it otherwise.)
      if (isRejected(req.socket)) {
        req.resume();
        return;
      }
      const problem = checkRequest(req, limits);
      if (problem !== null) {
        rejectResponse(req, res, problem.status, problem.reason, onReject);
        return;
      }
      // A client that sent `Expect: 100-continue` waits for the app's first read
      // before it sends the body, so holding its request would only stall it.
      if (limits.bufferChunked && req.headers['transfer-encoding'] !== undefined && req.headers.expect === undefined) {
        (req as HeldRequest)[kHeld] = { res, gate: state };
        req.on('close', onHeldClose);
        // 'readable' fires as the parser pushes body bytes and at the end of the body.
        req.on('readable', onHeldReadable);
        if (req.complete) release(req);
        return;
      }
      dispatch(req, res);
    },
    arm(input: unknown): void {
      if (limited && input instanceof NodeInputStream) {
        input.maxBytes = limits.maxBodyBytes;
        input.onOverflow = onOverflow;
      }
    },
  };
}
