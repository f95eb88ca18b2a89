/**
 * Conduit on a fetch runtime: the same app (server.ts's `main()`, PGlite by default)
 * through `toFetch()` from @tsgi/fetch, served by `Bun.serve` or `Deno.serve`,
 * whichever runs it. One process, so one PGlite; `DATABASE_URL` works on both too.
 *
 *     bun examples/realworld/fetch-runtime.ts
 *     deno run -A .build/fetch-runtime.mjs   # bundled first: see runtimes.test.ts
 *
 * @module
 */
import { toFetch } from '@tsgi/fetch';
import { main } from './server.js';

type Handler = (request: Request) => Response | Promise<Response>;
declare const Bun: { serve(options: { hostname: string; port: number; fetch: Handler }): { url: URL } } | undefined;
declare const Deno: { serve(options: { hostname: string; port: number; onListen(address: { port: number }): void }, handler: Handler): unknown } | undefined;

const handler = toFetch(await main());
const hostname = '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);
if (typeof Bun !== 'undefined') {
  const server = Bun.serve({ hostname, port, fetch: handler });
  console.log(`listening on ${server.url.origin} (bun)`);
} else if (typeof Deno !== 'undefined') {
  Deno.serve({ hostname, port, onListen: (address) => console.log(`listening on http://${hostname}:${address.port} (deno)`) }, handler);
} else {
  throw new Error('fetch-runtime.ts runs on Bun or Deno; on Node use the tsgi CLI (see README.md)');
}
