/**
 * File servers on the static scenarios' directory (bench/lib/static-workload.ts),
 * each with its defaults (ETag, Last-Modified, Cache-Control, Accept-Ranges), as a
 * user would mount it. Variants: `tsgi` (staticFiles under serve()), `fastify`
 * (@fastify/static), `serve-static` (Express 5's express.static, which is
 * serve-static), and `raw-node` (node:http: fs.stat, then fs.createReadStream piped
 * to the response, no validators).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyStatic from '@fastify/static';
import express from 'express';
import Fastify from 'fastify';
import { serve } from '@tsgi/server';
import { staticFiles } from '@tsgi/static';
import { listen } from '../lib/listen.js';
import { staticRoot } from '../lib/static-workload.js';
import { unknownScenario, type Started, type Target } from '../lib/target.js';

const TYPES: Record<string, string> = { '.txt': 'text/plain; charset=utf-8', '.bin': 'application/octet-stream' };

async function tsgi(root: string, port: number): Promise<Started> {
  const served = await serve(staticFiles({ root }), { port, host: '127.0.0.1', shutdownTimeout: 0 });
  return { port: Number(new URL(served.url).port), close: served.close };
}

async function fastify(root: string, port: number): Promise<Started> {
  const app = Fastify();
  await app.register(fastifyStatic, { root });
  await app.listen({ port, host: '127.0.0.1' });
  return { port: (app.server.address() as { port: number }).port, close: () => app.close() };
}

function serveStatic(root: string, port: number): Promise<Started> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.static(root));
  return listen(createServer(app), port);
}

function rawNode(root: string, port: number): Promise<Started> {
  return listen(
    createServer((req, res) => {
      const path = join(root, (req.url ?? '/').split('?')[0]!);
      stat(path).then(
        (info) => {
          res.writeHead(200, { 'Content-Type': TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream', 'Content-Length': info.size });
          return pipeline(createReadStream(path), res);
        },
        () => {
          res.writeHead(404).end();
        },
      ).catch(() => res.destroy());
    }),
    port,
  );
}

const PEERS: Record<string, (root: string, port: number) => Promise<Started>> = {
  tsgi,
  fastify,
  'serve-static': serveStatic,
  'raw-node': rawNode,
};

const target: Target = {
  name: 'file servers',
  scenarios: Object.keys(PEERS),
  start(scenario, port) {
    if (!Object.hasOwn(PEERS, scenario)) unknownScenario('static', scenario);
    return PEERS[scenario]!(staticRoot(), port);
  },
};
export default target;
