/**
 * Hono and h3 with tsgi middleware mounted (hosts-app.ts) on `Deno.serve`, their lines
 * to `Deno.stdout`. matrix.test.ts runs a bundle of it.
 * @module
 */
import { hostsFetch } from './hosts-app.js';

declare const Deno: {
  stdout: { writeSync(bytes: Uint8Array): number };
  env: { get(name: string): string | undefined };
  serve(
    options: { hostname: string; port: number; onListen(address: { hostname: string; port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};

const encoder = new TextEncoder();
const fetch = hostsFetch((line) => {
  // writeSync may take part of the bytes: loop until all are out.
  let bytes = encoder.encode(line + '\n');
  while (bytes.byteLength > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
});
Deno.serve(
  {
    hostname: '127.0.0.1',
    port: Number(Deno.env.get('PORT') ?? 0),
    onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}`),
  },
  fetch,
);
