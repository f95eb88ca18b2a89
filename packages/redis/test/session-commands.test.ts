/**
 * What one request costs in Redis commands under session() with redisSessionStore(),
 * seen through MONITOR on a real redis-server: a changed session is one GET before the
 * app and one EVALSHA (the set script, with the JSON) after it; an unchanged session in
 * rolling mode is the GET and a touch that sends no data (the TTL only); an unchanged
 * session with absolute expiry is the GET alone; a visitor without a cookie who stores
 * nothing costs no command at all. Two round trips at most, one each way.
 */
import type { Application } from '@tsgi/core';
import { session, sessionOf } from '@tsgi/session';
import { testClient } from '@tsgi/testing';
import { Redis } from 'ioredis';
import { redisSessionStore } from '../src/index.js';
import { startRedis, type RedisServer } from './redis-server.js';

jest.setTimeout(30_000);

let server: RedisServer;
let client: Redis;
// The client monitor() was called on stays connected beside the monitor: both are closed after.
let monitorBase: Redis;
let monitor: Awaited<ReturnType<Redis['monitor']>>;
const seen: string[][] = [];

beforeAll(async () => {
  server = await startRedis();
  client = new Redis(server.port, '127.0.0.1', { enableOfflineQueue: false, commandTimeout: 2000, lazyConnect: true });
  await client.connect();
  // Both scripts loaded in Redis' cache first: the first call is otherwise EVALSHA, NOSCRIPT, then EVAL.
  const warm = redisSessionStore(client, { prefix: 'warm:' });
  await warm.set('w', { data: {}, created: 0 }, 1000);
  await warm.touch('w', 1000);
  monitorBase = new Redis(server.port, '127.0.0.1');
  monitor = await monitorBase.monitor();
  // Commands a script runs inside Redis come from 'lua': not round trips, left out.
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (!source.endsWith('lua')) seen.push(args);
  });
});
afterAll(async () => {
  monitor.disconnect();
  monitorBase.disconnect();
  client.disconnect();
  await server.stop();
});

/** `/count` adds one to a counter, `/read` only reads it, `/` does nothing with the session. */
const app: Application = (environ, startResponse) => {
  const s = sessionOf(environ);
  if (environ.PATH_INFO === '/count') s.set('n', (s.get<number>('n') ?? 0) + 1);
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from(String(s.get('n') ?? '-'))];
};

/** The commands one request sent (MONITOR answers asynchronously: wait for a PING sent after it). */
async function commandsOf(run: () => Promise<unknown>): Promise<string[][]> {
  seen.length = 0;
  await run();
  await client.ping('done');
  const end = Date.now() + 5000;
  while (!seen.some((args) => args[0]?.toLowerCase() === 'ping') && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
  return seen.filter((args) => args[0]?.toLowerCase() !== 'ping').map((args) => [args[0]!.toLowerCase(), ...args.slice(1)]);
}

const names = (commands: string[][]): string[] => commands.map(([name]) => name!);

test.each(['rolling', 'absolute'] as const)('%s expiry: commands per request', async (expiry) => {
  const http = testClient(session({ store: redisSessionStore(client, { prefix: `cmd:${expiry}:` }), expiry })(app));
  expect(await commandsOf(() => http.get('/'))).toEqual([]);

  let cookie = '';
  const first = await commandsOf(async () => {
    const answer = await http.get('/count');
    cookie = answer.header('set-cookie')!.split(';')[0]!;
  });
  expect(names(first)).toEqual(['evalsha']); // a new session: nothing to read, one write

  const changed = await commandsOf(() => http.get('/count', { headers: { cookie } }));
  expect(names(changed)).toEqual(['get', 'evalsha']);
  expect(changed[1]!.join(' ')).toContain('{"data":{"n":2}');

  const unchanged = await commandsOf(() => http.get('/read', { headers: { cookie } }));
  if (expiry === 'absolute') expect(names(unchanged)).toEqual(['get']);
  else {
    expect(names(unchanged)).toEqual(['get', 'evalsha']);
    // The touch sends the key and the TTL, never the data.
    expect(unchanged[1]!.join(' ')).not.toContain('"data"');
    expect(unchanged[1]!.slice(-1)[0]).toBe('86400000');
  }
});
