/**
 * Child process entry: `node --import tsx bench/lib/child.ts <target module> <scenario>`.
 * Starts the target's server and prints `READY <port>`; answers each `cpu` line on
 * stdin with `CPU <microseconds of user + system time so far>`, so the parent can
 * work out the server's CPU cost per request; exits on SIGTERM or when the parent
 * goes away (stdin closes).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Target } from './target.js';

const [modulePath, scenario = 'hello'] = process.argv.slice(2);
if (!modulePath) throw new Error('usage: child.ts <target module> [scenario]');

void import(pathToFileURL(resolve(modulePath)).href).then(async (module: { default: Target }) => {
  const started = await module.default.start(scenario, 0);
  process.stdout.write(`READY ${started.port}\n`);
  const stop = (): void => void started.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.stdin.on('close', stop).on('data', (data: Buffer) => {
    // One answer per request line; the parent asks between rounds only.
    for (const line of data.toString().split('\n')) {
      if (line.trim() === 'cpu') {
        const usage = process.cpuUsage();
        process.stdout.write(`CPU ${usage.user + usage.system}\n`);
      }
    }
  });
});
