/**
 * The glue every endpoint shares: `endpoint(fn)` turns an async function from the
 * request to a response into an Application (the response builders of
 * @tsgi/request are themselves apps, answering with what they were built with),
 * and `Deps` is what the handlers are built with.
 *
 * @example
 * const tags = endpoint(async () => json({ tags: await listTags(db) }));
 * @module
 */
import type { Application, Environ, StartResponse } from '@tsgi/core';
import { request, type ResponseApp } from '@tsgi/request';
import type { TokenService } from './auth.js';
import type { Database } from './db/database.js';

export interface Deps {
  db: Database;
  tokens: TokenService;
}

/** An Application from an async request -> response function. */
export function endpoint(fn: (environ: Environ) => Promise<ResponseApp>): Application {
  return async function conduitEndpoint(environ: Environ, startResponse: StartResponse) {
    return (await fn(environ))(environ, startResponse);
  };
}

/** A named route param, already decoded as UTF-8 by the router. */
export function param(environ: Environ, name: string): string {
  return request(environ).params[name] ?? '';
}
