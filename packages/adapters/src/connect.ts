/**
 * `toConnect(middleware)`: a tsgi middleware as an Express 4/5 or Connect middleware,
 * `(req, res, next)`. The middleware sees the request as an environ built by the
 * gateway's own builder (SCRIPT_NAME is where Express or Connect mounted it); when it
 * calls its inner app, control passes to `next()`, and what the rest of the stack
 * writes to `res` comes back to it as the inner app's status, headers and body. So
 * `gzip()` compresses what `res.json()` sent, `accessLog()` logs it, and
 * `basicAuth()` answers 401 without `next()` ever running.
 *
 * Errors the middleware raises before it called its inner app go to `next(err)`, the
 * host's error handlers; errors below are the host's already (its handlers write the
 * error response, which passes back up through the middleware). The host's objects
 * are in `environ['tsgi.host']` (`{ req, res }`: `req.user`, `res.locals`);
 * `environOf(req)` gives the environ to the routes below.
 *
 * Where in the stack: `app.use()` it where the middleware belongs: before the routes
 * it wraps. `express.json()` and other body parsers go below it unless the tsgi
 * middleware never reads `wsgi.input` (a request body can be read once).
 *
 * @example
 * import express from 'express';
 * import { gzip } from '@tsgi/gzip';
 * import { toConnect } from '@tsgi/adapters/connect';
 * const app = express();
 * app.use(toConnect(gzip()));
 * app.get('/data', (_req, res) => res.json(rows));
 *
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @see https://github.com/senchalabs/connect#use-middleware
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from '@tsgi/core';
import { nodeAdapter, type NodeAdapterOptions } from './node-adapter.js';

export type ToConnectOptions = NodeAdapterOptions;

/** Connect's and Express's `next`. */
export type NextFunction = (error?: unknown) => void;

/** A Connect/Express middleware. */
export type ConnectMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

/** Mounts `middleware` in Express 4, Express 5 or Connect. */
export function toConnect(middleware: Middleware, options: ToConnectOptions = {}): ConnectMiddleware {
  const handle = nodeAdapter(middleware, options, 'toConnect');
  return function tsgiConnectMiddleware(req, res, next): void {
    handle(req, res, { next }, { req, res }, '');
  };
}
