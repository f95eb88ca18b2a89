/**
 * Refusing a request before the application sees it: a short plain-text answer with
 * `Connection: close`, and one `onReject(info)` call so an access log still gets a
 * line for it. Two ways in:
 *
 * - `rejectResponse(req, res, status, reason, onReject)` from the listener, when node
 *   parsed the request but a limit or rule refuses it (414, 431, 413, 400);
 * - `clientErrorListener(onReject)` for node:http's `'clientError'` event, when node's
 *   own parser refused the bytes (400), a header block overflowed `maxHeaderSize`
 *   (431) or a slow client hit `headersTimeout`/`requestTimeout` (408).
 *
 * A response already on the wire is never followed by a second status line: the
 * connection is cut instead.
 *
 * @example
 * server.on('clientError', clientErrorListener((info) => log.write(`${info.status} ${info.reason}\n`)));
 *
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-9.6 (tear-down)
 * @see https://nodejs.org/api/http.html#event-clienterror
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { statusLine } from '@tsgi/core';
import { isHeld } from './limits-gate.js';

/** What a rejected request was, for an access log. Fields node never parsed are '-'. */
export interface RejectInfo {
  /** The status sent (400, 408, 413, 414, 431, 501), or 0 when the connection was only cut. */
  status: number;
  /** Why, in a few words: 'request line too long', 'headers timeout', ... */
  reason: string;
  /** `REQUEST_METHOD`, or '-' when the request line never parsed. */
  method: string;
  /** The request target as sent, or '-'. */
  url: string;
  /** '1.1', '1.0', or '-'. */
  httpVersion: string;
  remoteAddress: string;
  remotePort: number;
  /** When the refusal was sent (ms since the epoch). */
  time: number;
}

/** Called once per refused request; exceptions from it are swallowed (a log must not stop a refusal). */
export type OnReject = (info: RejectInfo) => void;

const kRejected = Symbol('tsgi.rejected');
type Marked = Socket & { [kRejected]?: true };

/** True once a refusal was written on this connection: nothing else may go out on it. */
export function isRejected(socket: Socket): boolean {
  return (socket as Marked)[kRejected] === true;
}

const BODY_CACHE = new Map<number, Buffer>();
function bodyFor(status: number): Buffer {
  let body = BODY_CACHE.get(status);
  if (body === undefined) BODY_CACHE.set(status, (body = Buffer.from(statusLine(status).slice(4) + '\n')));
  return body;
}

/** The whole raw answer, for a socket with no ServerResponse that could write it. */
export function rawRejection(status: number): Buffer {
  const body = bodyFor(status);
  const head =
    `HTTP/1.1 ${statusLine(status)}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${body.byteLength}\r\nConnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

function report(onReject: OnReject | undefined, info: RejectInfo): void {
  if (onReject === undefined) return;
  try {
    onReject(info);
  } catch {
    // The refusal goes out whatever the hook does.
  }
}

function infoOf(status: number, reason: string, socket: Socket, req?: IncomingMessage): RejectInfo {
  return {
    status,
    reason,
    method: req?.method ?? '-',
    url: req?.url ?? '-',
    httpVersion: req?.httpVersion ?? '-',
    remoteAddress: socket.remoteAddress ?? '-',
    remotePort: socket.remotePort ?? 0,
    time: Date.now(),
  };
}

/** Answers `status` on `res` with `Connection: close`; the app is not called. */
export function rejectResponse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  reason: string,
  onReject: OnReject | undefined,
  /** Headers the refusal carries besides its own (426's `Sec-WebSocket-Version`). */
  extra: ReadonlyArray<[string, string]> = [],
): void {
  const socket = req.socket as Marked;
  if (res.headersSent || socket[kRejected]) {
    res.destroy();
  } else {
    socket[kRejected] = true;
    const body = bodyFor(status);
    res.shouldKeepAlive = false;
    res.writeHead(status, statusLine(status).slice(4), [
      ...extra,
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(body.byteLength)],
      ['Connection', 'close'],
    ]);
    res.end(body);
    // Discard what the client is still sending, so closing does not turn into a reset
    // that could destroy the answer before the client reads it.
    req.resume();
  }
  report(onReject, infoOf(status, reason, socket, req));
}

/** node's error codes -> status and reason. Anything else from the parser is a 400. */
function classify(code: string | undefined): [number, string] {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'request timeout'];
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'header block too large'];
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return [400, 'ambiguous message framing'];
    default:
      return [400, code === undefined ? 'bad request' : `bad request (${code})`];
  }
}

type InFlight = Socket & { _httpMessage?: ServerResponse | null; parser?: { incoming?: IncomingMessage | null } | null };

/**
 * A `'clientError'` listener: answers node's refusals with `Connection: close` and
 * reports them. A reset or an already-closed socket is just destroyed.
 */
export function clientErrorListener(onReject: OnReject | undefined): (error: Error & { code?: string }, socket: Socket) => void {
  return function tsgiClientError(error, socket): void {
    const marked = socket as Marked & InFlight;
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable || marked[kRejected]) {
      socket.destroy();
      return;
    }
    const inFlight = marked._httpMessage;
    // The request node was parsing, if it got that far: its method and target for the log.
    const req = inFlight?.req ?? marked.parser?.incoming ?? undefined;
    if (error.code === 'HPE_INVALID_EOF_STATE' && req !== undefined && !isHeld(req)) {
      // The client left mid-request that the app already has: its access log says so
      // once (499), and nobody is left to read a 400.
      socket.destroy();
      return;
    }
    const [status, reason] = classify(error.code);
    if (inFlight?.headersSent) {
      socket.destroy();
      report(onReject, infoOf(0, reason, socket, req));
      return;
    }
    marked[kRejected] = true;
    socket.end(rawRejection(status));
    // End the socket once the answer is flushed; never wait on a client that stopped reading.
    socket.setTimeout(5000, () => socket.destroy());
    report(onReject, infoOf(status, reason, socket, req));
  };
}
