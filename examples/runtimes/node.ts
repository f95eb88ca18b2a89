/**
 * The runtime-matrix app on Node: `serve()` from @tsgi/server, access log to stdout.
 * Run: `tsx examples/runtimes/node.ts` (PORT from the environment, default 0: any).
 * @module
 */
import { serve } from '@tsgi/server';
import { makeApp } from './app.js';

const { url } = await serve(makeApp(process.stdout), { host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(`listening on ${url}`);
