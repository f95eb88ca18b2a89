/**
 * The runtime-matrix app on Deno: `Deno.serve` with `toFetch`, access log to `Deno.stdout`.
 * Run a bundle of it: `deno run --allow-net --allow-env bundle.js` (matrix.test.ts
 * bundles it with esbuild, as Deno does not read the workspace's tsconfig paths).
 * @module
 */
import { toFetch } from '@tsgi/fetch';
import { makeApp } from './app.js';

declare const Deno: {
  stdout: { writeSync(bytes: Uint8Array): number };
  env: { get(name: string): string | undefined };
  serve(
    options: { hostname: string; port: number; onListen(address: { hostname: string; port: number }): void },
    handler: (request: Request, info: DenoServeInfo) => Response | Promise<Response>,
  ): unknown;
};

interface DenoServeInfo {
  remoteAddr: { hostname: string };
}

const encoder = new TextEncoder();
const app = makeApp({
  write(text: string): void {
    // writeSync may take part of the bytes: loop until all are out.
    let bytes = encoder.encode(text);
    while (bytes.byteLength > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
  },
});
Deno.serve(
  {
    hostname: '127.0.0.1',
    port: Number(Deno.env.get('PORT') ?? 0),
    onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}`),
  },
  // REMOTE_ADDR: Deno gives the peer's address in the handler's second argument.
  toFetch(app, { environ: (_request, info) => ({ REMOTE_ADDR: (info as DenoServeInfo).remoteAddr.hostname }) }),
);
