/**
 * Hono and h3 with tsgi middleware mounted (hosts-app.ts) on `Bun.serve`, their lines
 * to Bun's stdout. matrix.test.ts runs a bundle of it.
 * @module
 */
import { hostsFetch } from './hosts-app.js';

interface FileSink {
  write(chunk: string): number;
  flush(): unknown;
}
declare const Bun: {
  stdout: { writer(): FileSink };
  env: Record<string, string | undefined>;
  serve(options: { hostname: string; port: number; fetch: (request: Request) => Response | Promise<Response> }): { url: URL };
};

const stdout = Bun.stdout.writer();
const fetch = hostsFetch((line) => {
  stdout.write(line + '\n');
  stdout.flush();
});
const server = Bun.serve({ hostname: '127.0.0.1', port: Number(Bun.env.PORT ?? 0), fetch });
console.log(`listening on ${server.url.origin}`);
