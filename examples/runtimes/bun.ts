/**
 * The runtime-matrix app on Bun: `Bun.serve` with `toFetch`, access log to Bun's stdout.
 * Run: `bun bun.ts` in a project with the @tsgi packages installed; in this
 * repository (packages unbuilt) matrix.test.ts runs a bundle of it.
 * @module
 */
import { bunWebSocket, toFetch } from '@tsgi/fetch';
import { makeApp } from './app.js';

interface FileSink {
  write(chunk: string): number;
  flush(): unknown;
}
declare const Bun: {
  stdout: { writer(): FileSink };
  env: Record<string, string | undefined>;
  serve(options: { hostname: string; port: number; fetch: (request: Request, server: BunServer) => Response | Promise<Response>; websocket: object }): { url: URL };
};
interface BunServer {
  requestIP(request: Request): { address: string } | null;
}

const stdout = Bun.stdout.writer();
const app = makeApp({
  write(text: string): void {
    stdout.write(text);
    stdout.flush();
  },
});
// REMOTE_ADDR: Bun gives the peer's address through the server handed to fetch.
const handler = toFetch(app, {
  environ: (request, server) => ({ REMOTE_ADDR: (server as BunServer).requestIP(request)?.address ?? '' }),
});
// WebSocket connections' events come to Bun's websocket object, which hands them to the app.
const server = Bun.serve({ hostname: '127.0.0.1', port: Number(Bun.env.PORT ?? 0), fetch: handler, websocket: bunWebSocket() });
console.log(`listening on ${server.url.origin}`);
