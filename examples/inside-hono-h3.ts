/**
 * tsgi middleware inside a Hono app and an h3 app, as a fetch-runtime module: the
 * same access log, gzip and Basic auth mounted with `toHono` and `toH3`, each app's
 * `fetch` the handler Cloudflare Workers, Bun and `Deno.serve` take. Only web APIs at
 * the adapter level (`@tsgi/adapters/hono` and `/h3` load no node: module); the
 * runtime matrix serves apps like these on `Bun.serve` and `Deno.serve`
 * (examples/runtimes/hosts-app.ts). Run directly, both are served by
 * @hono/node-server on :8000 (Hono) and :8001 (h3).
 */
import { serve as serveFetch } from '@hono/node-server';
import { H3 } from 'h3';
import { Hono } from 'hono';
import { basicAuth } from '@tsgi/auth';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { environOf, toHono } from '@tsgi/adapters/hono';
import { toH3 } from '@tsgi/adapters/h3';

export const ROWS = Array.from({ length: 200 }, (_, id) => ({ id, name: `row ${id}` }));
const USERS = { ada: 'lovelace' };

/** `lines` gets the access log (JSON lines); the default is wsgi.errors, the console. */
export function honoApp(lines?: { write(line: string): unknown }): Hono {
  const app = new Hono();
  app.use(toHono(accessLog({ format: 'json', stream: lines })));
  app.use(toHono(gzip()));
  app.use('/admin/*', toHono(basicAuth({ users: USERS }), { scriptName: '/admin' }));
  app.get('/rows', (c) => c.json(ROWS));
  app.get('/admin/me', (c) => c.json({ user: environOf(c)?.REMOTE_USER }));
  return app;
}

export function h3App(lines?: { write(line: string): unknown }): H3 {
  const app = new H3();
  app.use(toH3(accessLog({ format: 'json', stream: lines })));
  app.use(toH3(gzip()));
  app.use('/admin/**', toH3(basicAuth({ users: USERS }), { scriptName: '/admin' }));
  app.get('/rows', () => ROWS);
  app.get('/admin/me', (event) => ({ user: environOf(event)?.REMOTE_USER }));
  return app;
}

if (process.argv[1]?.endsWith('inside-hono-h3.ts')) {
  serveFetch({ fetch: honoApp().fetch, port: 8000, hostname: '127.0.0.1' }, (info) => console.log(`Hono on :${info.port}`));
  const h3 = h3App();
  serveFetch({ fetch: (request) => h3.fetch(request), port: 8001, hostname: '127.0.0.1' }, (info) => console.log(`h3 on :${info.port}`));
}
