/**
 * The two environ keys every adapter sets, so a tsgi middleware and the host's own
 * code can see each other's state:
 *
 * - `environ['tsgi.host']`: the host's own request object (Express/Connect
 *   `{ req, res }`, so `req.user` and `res.locals` stay reachable; Koa's `ctx`;
 *   Fastify's `{ request, reply }`; Hono's `c`; h3's `event`).
 * - {@link environOf}: the other way, the environ the tsgi middleware saw (and, say,
 *   `REMOTE_USER` that `basicAuth()` set) from the host's request object.
 *
 * @example
 * app.use(toConnect(basicAuth({ users })));
 * app.get('/me', (req, res) => res.json({ user: environOf(req)?.REMOTE_USER }));
 *
 * @see https://peps.python.org/pep-3333/#environ-variables (extension keys)
 * @module
 */
import type { Environ } from '@tsgi/core';

/** The environ key holding the host's request object. */
export const HOST_KEY = 'tsgi.host';

const kEnviron = Symbol.for('tsgi.environ');

/** Remembers `environ` on the host's request object (an own symbol property, no map). */
export function attachEnviron(target: object, environ: Environ): void {
  (target as { [kEnviron]?: Environ })[kEnviron] = environ;
}

/**
 * The environ a tsgi middleware mounted by an adapter saw for this request, from the
 * host's request object: Express/Connect/Fastify `req` (the node request), Koa `ctx`,
 * Hono `c`, h3 `event`. `undefined` when no adapter ran for it.
 */
export function environOf(target: object): Environ | undefined {
  return (target as { [kEnviron]?: Environ })[kEnviron];
}

/** The host object an adapter put in `environ['tsgi.host']`, typed by the caller. */
export function hostOf<T>(environ: Environ): T | undefined {
  return environ[HOST_KEY] as T | undefined;
}
