/**
 * A request node:http hands to its `'upgrade'` event, made servable like any other.
 * Once a server has an `'upgrade'` listener, node (before 22.21/24.9's
 * `shouldUpgradeCallback`) sends every request with `Upgrade` and `Connection:
 * upgrade` there, WebSocket or not, with no `ServerResponse` and with the body left
 * on the socket. This gives it a `ServerResponse` on the raw socket (the connection
 * closes after it: node's parser is gone from the socket) and, for a request that is
 * not switched (a POST with `Upgrade: h2c`, HTTP/1.0), a request whose body is read
 * from `head` and the socket up to its Content-Length, so the app can read it.
 *
 * @example
 * server.on('upgrade', (req, socket, head) => listener(...servable(req, socket, head, body)));
 *
 * @see https://nodejs.org/api/http.html#event-upgrade
 * @module
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

function ignore(): void {}

/** A ServerResponse writing straight to the upgraded socket; the socket ends with it. */
export function rawResponse(req: IncomingMessage, socket: Duplex): ServerResponse {
  // The socket lost node's error listener with its parser: an error must not crash.
  socket.on('error', ignore);
  const res = new ServerResponse(req);
  res.assignSocket(socket as Socket);
  res.shouldKeepAlive = false;
  // A block, not `() => socket.end()`: a listener's non-nullish result costs every
  // emit() in the process its direct calls (see websocket.ts).
  res.once('finish', () => {
    (socket as Socket).end();
  });
  return res;
}

/**
 * The request to give the app when the connection is not switched: `req` itself
 * without a body, else a copy that reads `Content-Length` bytes from `head` and the
 * socket. Undefined for a chunked body, which only node's parser could decode.
 */
export function bodyRequest(req: IncomingMessage, socket: Duplex, head: Buffer): IncomingMessage | undefined {
  if (req.headers['transfer-encoding'] !== undefined) return undefined;
  let left = Number(req.headers['content-length'] ?? 0);
  if (!(left > 0)) return req;
  const copy = new IncomingMessage(socket as Socket);
  Object.assign(copy, {
    method: req.method,
    url: req.url,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
  });
  const feed = (chunk: Buffer): void => {
    const part = chunk.byteLength > left ? chunk.subarray(0, left) : chunk;
    left -= part.byteLength;
    // Backpressure: the socket waits while the app has not read; IncomingMessage's
    // _read resumes it.
    if (!copy.push(part)) socket.pause();
    if (left === 0) {
      socket.off('data', feed);
      copy.complete = true;
      copy.push(null);
    }
  };
  if (head.byteLength > 0) feed(head);
  if (left > 0) socket.on('data', feed);
  return copy;
}
