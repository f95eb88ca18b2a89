// The consumer's app in TypeScript: served by `tsgi serve app.ts` (tsx installed
// beside it) and type-checked by tsc against the installed .d.ts (node16, bundler).
import { compose, type Application, type Middleware } from '@tsgi/core';
import { basicAuth } from '@tsgi/auth';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { router, routingArgs } from '@tsgi/router';
import { serve, toNodeListener } from '@tsgi/server';

interface Greeting {
  who: string;
}

const hello: Application = (environ, startResponse) => {
  const greeting: Greeting = { who: environ.REMOTE_USER ?? 'nobody' };
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from(`hello ${greeting.who} (ts)\n`)];
};
const report: Application = (environ, startResponse) => {
  const [, params] = routingArgs(environ);
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from(`tsgi report line${Object.keys(params).length}\n`.repeat(500))];
};

// @ts-expect-error a body chunk is a Uint8Array, never a string: proves the types are read
export const wrong: Application = (_environ, startResponse) => (startResponse('200 OK', []), ['text']);

const stack: Middleware[] = [accessLog({ format: 'common', stream: process.stdout }), gzip(), basicAuth({ users: { alice: 's3cret' } })];
export const app: Application = compose(...stack)(router().get('/hello', hello).get('/report', report));
export const listener = toNodeListener(app);
export const start = (): ReturnType<typeof serve> => serve(app, { port: 0 });
