/**
 * `cascade(apps)`: tries apps in order and returns the first answer whose status is
 * not caught (404 and 405 by default), as Rack::Cascade does. The last app's answer is
 * returned whatever its status. Use it to layer a static-file app over a router, or
 * two routers over each other.
 *
 * A thrown refusal counts as an answered one: an error with a caught `status` (core's
 * `HttpError(404)` from an app built with `throwHttpErrors: true`, or any error with a
 * numeric 4xx/5xx `status`, as `isHttpError` reads it), thrown synchronously, as a
 * rejected promise, or from a lazy body's first chunk, means "not here" too. Any other
 * error goes up at once; the last app's answer or error, whatever it is, is the result.
 *
 * What it does: each attempt gets a recording `startResponse`; a caught answer's body
 * is closed (its `close()` called once) and its `write()` output dropped, and SCRIPT_NAME,
 * PATH_INFO and `wsgiorg.routing_args` are put back before the next app runs, since
 * dispatchers change them. The winner's status, headers and body pass on untouched;
 * an app that calls `startResponse` lazily (a generator) has its first chunk pulled
 * to learn the status, and that chunk is sent first.
 *
 * Caveat (Rack::Cascade has the same): `wsgi.input` can be read only once. An app
 * that reads the request body and then answers 404 leaves nothing for the next one,
 * so cascade apps that route before they read.
 *
 * @example
 * const app = cascade([staticFiles, apiRouter, spaFallback]);
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import { closeBody, isHttpError, statusCode, type Application, type Body, type Environ, type StartResponse, type Write } from '@tsgi/core';
import { ROUTE, ROUTING_ARGS } from './routing-args.js';

export interface CascadeOptions {
  /**
   * Statuses that mean "not mine, try the next app".
   * @default [404, 405]
   */
  catch?: readonly number[];
}

const DEFAULTS = { catch: [404, 405] } satisfies Required<CascadeOptions>;

/** What one attempt said to its `startResponse`, held until the attempt is judged. */
class Recorder {
  status: string | null = null;
  headers: Array<[string, string]> = [];
  excInfo: unknown = undefined;
  pending: Uint8Array[] = [];
  write: Write | null = null;
  constructor(private readonly upstream: StartResponse) {}

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    if (this.write !== null) return this.upstream(status, headers, excInfo);
    this.status = status;
    this.headers = headers;
    this.excInfo = excInfo;
    return this.bufferedWrite;
  };

  private readonly bufferedWrite: Write = (chunk) => {
    if (this.write !== null) this.write(chunk);
    else this.pending.push(chunk);
  };

  /** Sends the recorded status and headers upstream, then what was written so far. */
  commit(): void {
    const write = this.upstream(this.status!, this.headers, this.excInfo);
    this.write = write;
    for (const chunk of this.pending) write(chunk);
    this.pending = [];
  }
}

type AnyIterator = Iterator<Uint8Array> | AsyncIterator<Uint8Array>;

export function cascade(apps: readonly Application[], options: CascadeOptions = {}): Application {
  if (!Array.isArray(apps) || apps.length === 0 || !apps.every((app) => typeof app === 'function')) {
    throw new TypeError('cascade: apps must be a non-empty array of Applications');
  }
  const codes = options.catch ?? DEFAULTS.catch;
  if (!Array.isArray(codes) || !codes.every((c) => Number.isInteger(c) && c >= 100 && c <= 599)) {
    throw new TypeError('cascade: catch must be an array of status codes (integers 100-599)');
  }
  const caught = new Set(codes);
  const list = apps.slice();
  const last = list.length - 1;

  return async function cascadeApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
    const scriptName = environ.SCRIPT_NAME;
    const pathInfo = environ.PATH_INFO;
    const args = environ[ROUTING_ARGS];
    const route = environ[ROUTE];
    for (let i = 0; i < last; i++) {
      const recorder = new Recorder(startResponse);
      let body: Body;
      try {
        body = await list[i]!(environ, recorder.startResponse);
      } catch (error) {
        if (!refused(error)) throw error;
        restore(environ, scriptName, pathInfo, args, route);
        continue;
      }
      let iterator: AnyIterator | null = null;
      let first: IteratorResult<Uint8Array> | null = null;
      if (recorder.status === null) {
        // A lazy app calls startResponse when its body is first iterated.
        const started: AnyIterator = Symbol.asyncIterator in body ? body[Symbol.asyncIterator]() : body[Symbol.iterator]();
        iterator = started;
        try {
          first = await started.next();
        } catch (error) {
          await closeBody(body);
          if (!refused(error)) throw error;
          restore(environ, scriptName, pathInfo, args, route);
          continue;
        }
        if (recorder.status === null) {
          await finish(body, started);
          throw new Error(`cascade: app #${i} returned a body without calling startResponse`);
        }
      }
      if (!caught.has(statusCode(recorder.status))) {
        recorder.commit();
        return iterator === null ? body : resume(body, iterator, first!);
      }
      await finish(body, iterator);
      restore(environ, scriptName, pathInfo, args, route);
    }
    return list[last]!(environ, startResponse);
  };

  /** Whether a thrown error is a refusal this cascade catches, as an answered status would be. */
  function refused(error: unknown): boolean {
    return isHttpError(error) && caught.has(error.status);
  }
}

/** Puts back what a dispatcher changed (the route it matched too), for the next attempt. */
function restore(environ: Environ, scriptName: string, pathInfo: string, args: unknown, route: unknown): void {
  environ.SCRIPT_NAME = scriptName;
  environ.PATH_INFO = pathInfo;
  if (args === undefined) delete environ[ROUTING_ARGS];
  else environ[ROUTING_ARGS] = args;
  if (route === undefined) delete environ[ROUTE];
  else environ[ROUTE] = route;
}

/** Stops an iteration we started, then closes the body: once each. */
async function finish(body: Body, iterator: AnyIterator | null): Promise<void> {
  try {
    if (iterator !== null) await iterator.return?.();
  } finally {
    await closeBody(body);
  }
}

/** The body again, from the chunk already pulled; `close()` ends the iteration and closes the original. */
function resume(body: Body, iterator: AnyIterator, first: IteratorResult<Uint8Array>): Body {
  const close = (): Promise<void> => finish(body, iterator);
  if (Symbol.asyncIterator in body) {
    return Object.assign(continueAsync(iterator as AsyncIterator<Uint8Array>, first), { close });
  }
  return Object.assign(continueSync(iterator as Iterator<Uint8Array>, first), { close });
}

async function* continueAsync(iterator: AsyncIterator<Uint8Array>, first: IteratorResult<Uint8Array>) {
  if (first.done) return;
  yield first.value;
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
}

function* continueSync(iterator: Iterator<Uint8Array>, first: IteratorResult<Uint8Array>) {
  if (first.done) return;
  yield first.value;
  for (let r = iterator.next(); !r.done; r = iterator.next()) yield r.value;
}
