/**
 * The request half of `fromNodeListener`: a real `http.IncomingMessage` built from a
 * PEP 3333 environ, so Express, Connect and Koa see what node:http would have given
 * them. Method, URL, headers and socket details come from the environ; the body is
 * pulled from `wsgi.input` only when the listener reads it (so `Expect: 100-continue`
 * keeps working), with the stream's own backpressure.
 *
 * @example
 * const req = environRequest(environ, socket, false);
 * listener(req, res);
 *
 * @see https://peps.python.org/pep-3333/#environ-variables
 * @see https://peps.python.org/pep-3333/#url-reconstruction
 * @module
 */
import { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { quotePath, rawRequestPath, requestHeaderName, type Environ } from '@tsgi/core';

/** Where the request's body iterator lives on the IncomingMessage. */
const kInput = Symbol('tsgi.input');
const kReading = Symbol('tsgi.reading');

type EnvironRequest = IncomingMessage & {
  [kInput]: AsyncIterator<Uint8Array> | AsyncIterable<Uint8Array>;
  [kReading]?: boolean;
  originalUrl?: string;
  baseUrl?: string;
};

/**
 * `req.url` is `SCRIPT_NAME + PATH_INFO` re-quoted plus `?QUERY_STRING`. When the app
 * is mounted (SCRIPT_NAME not empty) and `fullUrl` is false, `req.url` holds only the
 * PATH_INFO part and `req.baseUrl`/`req.originalUrl` carry the rest, which is how
 * Express and Connect describe a mounted app: the listener routes relative to its
 * mount point, as a WSGI app does.
 */
function setUrl(req: EnvironRequest, environ: Environ, fullUrl: boolean): void {
  const scriptName = environ.SCRIPT_NAME ?? '';
  const pathInfo = environ.PATH_INFO ?? '';
  const query = environ.QUERY_STRING ? '?' + environ.QUERY_STRING : '';
  const full = scriptName + pathInfo;
  const raw = rawRequestPath(environ);
  if (!scriptName || fullUrl) {
    req.url = (raw ?? (quotePath(full) || '/')) + query;
    return;
  }
  const base = quotePath(scriptName);
  const rest = raw !== undefined && raw.startsWith(base) ? raw.slice(base.length) : quotePath(pathInfo);
  req.url = (rest || '/') + query;
  req.baseUrl = base;
  req.originalUrl = base + rest + query;
}

/** `_read` for every environ request: pulls from `wsgi.input` until push() says stop. */
function readInput(this: EnvironRequest): void {
  if (!this[kReading]) void pullInput(this);
}

async function pullInput(req: EnvironRequest): Promise<void> {
  req[kReading] = true;
  try {
    let input = req[kInput];
    if (!('next' in input)) input = req[kInput] = input[Symbol.asyncIterator]();
    // Node's IncomingMessage never asks again while it is flowing (its parser pushes
    // on its own), so keep pushing until the stream's buffer is full.
    for (;;) {
      const step = await (input as AsyncIterator<Uint8Array>).next();
      if (step.done) {
        req.complete = true;
        req.push(null);
        return;
      }
      if (!req.push(step.value)) return;
    }
  } catch (error) {
    req.destroy(error as Error);
  } finally {
    req[kReading] = false;
  }
}

/** A node:http request for `environ`, on `socket` (which carries the addresses). */
export function environRequest(environ: Environ, socket: Socket, fullUrl: boolean): IncomingMessage {
  const req = new IncomingMessage(socket) as EnvironRequest;
  req.method = environ.REQUEST_METHOD;
  setUrl(req, environ, fullUrl);
  const protocol = environ.SERVER_PROTOCOL;
  if (protocol === 'HTTP/1.0') {
    req.httpVersion = '1.0';
    req.httpVersionMinor = 0;
  } else {
    req.httpVersion = '1.1';
    req.httpVersionMinor = 1;
  }
  req.httpVersionMajor = 1;
  const headers: Record<string, string> = {};
  const rawHeaders: string[] = [];
  for (const key in environ) {
    const name = requestHeaderName(key);
    if (name === undefined) continue;
    const value = environ[key];
    if (typeof value !== 'string' || (value === '' && name.startsWith('content-'))) continue;
    headers[name] = value;
    rawHeaders.push(name, value);
  }
  req.headers = headers;
  req.rawHeaders = rawHeaders;
  // An own property, not a subclass method: Express re-prototypes req to its own
  // request object (still an IncomingMessage), which would drop a subclass override.
  req[kInput] = environ['wsgi.input'];
  req._read = readInput;
  return req;
}
