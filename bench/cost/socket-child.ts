/**
 * bench/lib/child.ts for bench/cost/socket.ts, with the three targets it counts
 * imported statically (each a chunk of its own), so that esbuild can bundle it and
 * valgrind starts plain JavaScript, not a TypeScript loader:
 * `node socket-child.mjs <raw-node|tsgi|fastify> <variant>`. @tsgi/* are bundled from
 * packages/<name>/src (tsconfig paths), so a change needs no `tsc -b` before a count.
 */
import type { Target } from '../lib/target.js';

const TARGETS: Record<string, () => Promise<{ default: Target }>> = {
  'raw-node': () => import('../targets/raw-node.js'),
  tsgi: () => import('../targets/tsgi.js'),
  fastify: () => import('../targets/fastify.js'),
};

const [module = 'tsgi', variant = 'hello'] = process.argv.slice(2);
const load = TARGETS[module];
if (load === undefined) throw new Error(`socket-child: no target ${module}; one of ${Object.keys(TARGETS).join(', ')}`);
void load().then(async ({ default: target }) => {
  const started = await target.start(variant, 0);
  process.stdout.write(`READY ${started.port}\n`);
  const stop = (): void => void started.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.stdin.on('close', stop).resume();
});
