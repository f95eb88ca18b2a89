/**
 * `@tsgi/server/gateway`: the gateway's parts for code that runs tsgi inside another
 * node:http stack, as `@tsgi/adapters` does for Express, Connect, Koa and Fastify: the
 * environ built from a node request, the listener options checked, and the writer that
 * drives a tsgi response into a `ServerResponse`. Apps and middleware never need it;
 * it follows the gateway's version, not a promise of its own.
 *
 * @example
 * import { buildEnviron, GatewayConnection, NodeResponseWriter, resolveListenerOptions } from '@tsgi/server/gateway';
 * const config = resolveListenerOptions({});
 * const connection = new GatewayConnection();
 * const environ = buildEnviron(req, res, config, connection);
 * void new NodeResponseWriter(req, res, errors, null, connection).run(app, environ);
 * @module
 */
export { buildEnviron, type EnvironConfig } from './node-environ.js';
export { GatewayConnection } from './client-connection.js';
export { resolveListenerOptions } from './listener.js';
export { NodeResponseWriter } from './response.js';
