/**
 * The tsgi stack of wrap-hono.ts (access log, gzip, the Hono app) exported as a fetch
 * handler with toFetch: `export default { fetch }` is what Cloudflare Workers, Bun
 * and `Deno.serve` take. Run directly, it is served on :8000 by @hono/node-server, a
 * fetch-handler server for Node, to show the handler standing on its own.
 */
import { serve as serveFetch } from '@hono/node-server';
import { toFetch } from '@tsgi/fetch';
import { app } from './wrap-hono.js';

export const fetch = toFetch(app, {
  // Deno passes the connection info, Workers put the client in a header.
  environ: (request, info) => ({
    REMOTE_ADDR:
      request.headers.get('cf-connecting-ip') ??
      (info as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr?.hostname ??
      '',
  }),
});

export default { fetch };

if (process.argv[1]?.endsWith('fetch-handler.ts')) {
  serveFetch({ fetch, port: 8000, hostname: '127.0.0.1' }, (info) => console.log(`tsgi as a fetch handler on :${info.port}`));
}
