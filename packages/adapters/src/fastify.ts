/**
 * `toFastify(middleware)`: a tsgi middleware as a Fastify plugin. It adds an
 * `onRequest` hook on the raw request and reply of every route in the scope it is
 * registered in: the middleware sees the environ (SCRIPT_NAME is the scope's prefix);
 * when it calls its inner app, Fastify carries on (parsing, validation, the handler,
 * `onSend`), and what Fastify writes to `reply.raw` comes back to it as the inner
 * app's response. A middleware that answers by itself hijacks the reply.
 *
 * The plugin follows the fastify-plugin conventions (`skip-override`, a display name),
 * so it wraps the routes of the scope that registers it, parents excluded:
 * register it inside `app.register(async (api) => ..., { prefix: '/api' })` to cover
 * only `/api`. Errors raised before the inner app ran reach Fastify's error handler.
 *
 * @example
 * import Fastify from 'fastify';
 * import { toFastify } from '@tsgi/adapters/fastify';
 * const app = Fastify();
 * await app.register(toFastify(gzip()));
 * app.get('/data', async () => rows);
 *
 * @see https://fastify.dev/docs/latest/Reference/Hooks/#onrequest
 * @see https://github.com/fastify/fastify-plugin
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Middleware } from '@tsgi/core';
import { nodeAdapter, type HostTurn, type NodeAdapterOptions } from './node-adapter.js';

export type ToFastifyOptions = NodeAdapterOptions;

/** A Fastify plugin function, marked the fastify-plugin way. */
export type FastifyTsgiPlugin = (instance: FastifyInstance) => Promise<void>;

let plugins = 0;

/**
 * How the adapter hands a request back to Fastify: a small object per request, its
 * methods on the prototype. Not `{ next: done, answer: () => reply.hijack() }`: that
 * arrow was a closure and a context per request (DESIGN.md 3: no per-request closures
 * that could be hoisted; a logger's one such closure once set V8 pretenuring the
 * request's objects, docs/benchmarks.md).
 */
class FastifyTurn implements HostTurn {
  constructor(
    private readonly reply: FastifyReply,
    private readonly done: (error?: Error) => void,
  ) {}

  next(error?: unknown): void {
    this.done(error as Error | undefined);
  }

  answer(): void {
    void this.reply.hijack();
  }
}

/** Mounts `middleware` in a Fastify scope. */
export function toFastify(middleware: Middleware, options: ToFastifyOptions = {}): FastifyTsgiPlugin {
  const handle = nodeAdapter(middleware, options, 'toFastify');
  const name = `tsgi-${middleware.name || 'middleware'}-${++plugins}`;
  async function tsgiFastifyPlugin(instance: FastifyInstance): Promise<void> {
    const mount = instance.prefix;
    instance.addHook('onRequest', function tsgiOnRequest(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
      handle(request.raw, reply.raw, new FastifyTurn(reply, done), { request, reply }, mount);
    });
  }
  // fastify-plugin's markers: the hook applies to the registering scope, not a child one.
  const marked = tsgiFastifyPlugin as FastifyTsgiPlugin & Record<symbol, unknown>;
  marked[Symbol.for('skip-override')] = true;
  marked[Symbol.for('fastify.display-name')] = name;
  marked[Symbol.for('plugin-meta')] = { name, fastify: '>=4' };
  return marked;
}
