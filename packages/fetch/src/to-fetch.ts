/**
 * `toFetch(app)`: a tsgi Application as a fetch handler, `(Request) => Promise<Response>`,
 * for Cloudflare Workers, Deno, Bun, `@hono/node-server` or anything that speaks the
 * WinterCG fetch shape. It is a gateway: it builds the environ from the Request,
 * keeps the PEP 3333 rules for `startResponse` (checked status and headers; a second
 * call only with `excInfo`, and only before the Response exists), and streams the
 * body through a ReadableStream that pulls the app's iterator one chunk at a time.
 * Cancelling that stream ends the iterator (`return()`) and calls `close()` once.
 *
 * The walk is core's `ResponseDriver`, the same the server gateway and `testClient`
 * run. An error before the headers went out (the first `write()` or non-empty chunk)
 * gives a plain 500 (the error goes to `wsgi.errors`); after, the Response carries the
 * status the app set and its stream errors, so the runtime cuts the response. A body
 * is never longer than its Content-Length; a shorter one errors the stream. HEAD and
 * 204/205/304 answers get no body; the app's body is closed without iterating it.
 * Fetch cannot express 1xx final statuses, so those give a 500 as well. A
 * `ConnectionAbort` thrown before the Response exists (the app asks for the connection
 * to be dropped, unanswered) rejects the handler: a fetch handler has no other way to
 * send nothing.
 *
 * A response with a `Content-Encoding` (from `gzip()`) is made with
 * `encodeBody: 'manual'`, so Cloudflare Workers send its bytes as they are instead of
 * compressing them a second time.
 *
 * @example
 * import { toFetch } from '@tsgi/fetch';
 * export default { fetch: toFetch(compose(accessLog())(app)) }; // a Worker
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @see https://common-min-api.proposal.wintercg.org/ (the fetch handler shape)
 * @module
 */
import { type Application, type Environ, type ErrorStream } from '@tsgi/core';
import { resolveWebSocketOptions, toErrorStream, type ErrorsOption, type WebSocketOptions } from '@tsgi/core/gateway';
import { consoleErrors, requestEnviron, type EnvironSettings } from './fetch-environ.js';
import { FetchExchange } from './fetch-exchange.js';
import { FetchWebSockets } from './websocket.js';

/** A fetch handler; runtimes pass extra arguments (Workers: env, ctx; Deno: info). */
export type FetchHandler = (request: Request, ...rest: any[]) => Response | Promise<Response>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ToFetchOptions {
  /**
   * `wsgi.errors`: an ErrorStream, a stream with `write(text)`, or a function that gets
   * each message (the forms every gateway's `errors` takes).
   * @default console.error
   */
  errors?: ErrorsOption;
  /**
   * A mount prefix moved from PATH_INFO to SCRIPT_NAME when the path starts with it
   * (e.g. `/api` when the runtime routes `/api/*` here).
   * @default ''
   */
  scriptName?: string;
  /**
   * Adds keys to each environ, given the Request and the runtime's extra handler
   * arguments: e.g. `REMOTE_ADDR` from Deno's `info.remoteAddr.hostname` or the
   * `CF-Connecting-IP` header on Workers.
   * @default undefined
   */
  environ?: (request: Request, ...rest: unknown[]) => Partial<Environ> | undefined;
  /**
   * Rethrow an error raised before the Response exists (after closing the app's body)
   * instead of answering 500 and logging it, so the error handling of a framework
   * hosting the app gets it (`@tsgi/adapters` for Hono and h3).
   * @default false
   */
  rethrow?: boolean;
  /**
   * WebSocket upgrades on Bun (pass `bunWebSocket()` to `Bun.serve` too), Deno and
   * Workers: options, or `false` for none. On Bun the handler returns `undefined` for
   * a switched request, as `Bun.serve` expects.
   * @default {} (maxPayload 1 MiB, maxBufferedAmount 4 MiB, pings every 30 s, any origin)
   */
  websocket?: WebSocketOptions | false;
}

function errorStream(errors: ToFetchOptions['errors']): ErrorStream {
  return errors === undefined ? consoleErrors : toErrorStream(errors, 'toFetch');
}

function checkOptions(options: ToFetchOptions): EnvironSettings & Pick<ToFetchOptions, 'environ' | 'rethrow'> & { sockets: FetchWebSockets | undefined } {
  const scriptName = options.scriptName ?? '';
  if (typeof scriptName !== 'string' || (scriptName !== '' && (!scriptName.startsWith('/') || scriptName.endsWith('/')))) {
    throw new TypeError(`toFetch: scriptName must be '' or start with '/' and not end with one, got ${String(scriptName)}`);
  }
  if (options.environ !== undefined && typeof options.environ !== 'function') {
    throw new TypeError('toFetch: environ must be a function (request, ...rest) => environ keys');
  }
  if (options.rethrow !== undefined && typeof options.rethrow !== 'boolean') {
    throw new TypeError(`toFetch: rethrow must be a boolean, got ${typeof options.rethrow}`);
  }
  const sockets = options.websocket === false ? undefined : new FetchWebSockets(resolveWebSocketOptions('toFetch', options.websocket));
  return { errors: errorStream(options.errors), scriptName, environ: options.environ, rethrow: options.rethrow === true, sockets };
}

export function toFetch(app: Application, options: ToFetchOptions = {}): FetchHandler {
  if (typeof app !== 'function') {
    throw new TypeError('toFetch: app must be a function (environ, startResponse) => Body');
  }
  const settings = checkOptions(options);
  const extend = settings.environ;
  const rethrow = settings.rethrow;
  const sockets = settings.sockets;

  return async function tsgiFetchHandler(request: Request, ...rest: unknown[]): Promise<Response> {
    const environ = requestEnviron(request, settings);
    const upgrade = sockets?.offer(request, rest);
    if (upgrade instanceof Response) return upgrade;
    const exchange = new FetchExchange(environ, request.method === 'HEAD', rethrow);
    // The extra keys are set inside the app's call: an error there is answered as the app's.
    const target: Application = extend === undefined ? app : (env, startResponse) => app(Object.assign(env, extend(request, ...rest)), startResponse);
    if (upgrade === undefined) return exchange.handle(target);
    // A handshake: the app's answer decides between switching and an ordinary response.
    return exchange.answer(upgrade.run(target, environ, exchange, request));
  };
}
