/**
 * Both stores on a real Redis Cluster (3 masters started by startRedisCluster(), joined
 * with `redis-cli --cluster create`) through ioredis' `Cluster` client, behind real
 * servers on 127.0.0.1 under lint(): a login's session is seen on the next request and
 * by a second app instance with its own Cluster client, sessions land on more than one
 * node (so the scripts ran on every node, NOSCRIPT -> EVAL the first time on each), a
 * destroyed session stays dead there too, and one rate limit counts across two app
 * instances (LIMIT + 1 requests: one 429). The same through a Cluster client with
 * ioredis' `enableAutoPipelining` (the commands of one event-loop turn go out as one
 * pipeline per node): concurrent logins and rate-limited requests, the scripts'
 * NOSCRIPT -> EVAL inside those pipelines, sessions read back by a plain client.
 */
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { rateLimit } from '@tsgi/rate-limit';
import { serve, type Served } from '@tsgi/server';
import { session } from '@tsgi/session';
import { Cluster } from 'ioredis';
import { redisSessionStore, redisStore } from '../src/index.js';
import { startRedisCluster, type RedisCluster } from './redis-server.js';
import { loginRoutes } from './fixtures/login-routes.js';

jest.setTimeout(60_000);

const LIMIT = 5;
let cluster: RedisCluster;
const clients: Cluster[] = [];
const servers: Served[] = [];

/** A Cluster client on the test's nodes, ready (the offline queue is off: nothing is sent before). */
async function clusterClient(enableAutoPipelining = false): Promise<Cluster> {
  const client = new Cluster(
    cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
    { enableOfflineQueue: false, enableAutoPipelining, redisOptions: { commandTimeout: 2000 } },
  );
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Cluster client was not ready within 10 s (status ${client.status})`)), 10_000);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return client;
}

/** The session and rate-limit commands every master has run so far (INFO commandstats). */
async function commandsSent(client: Cluster): Promise<number> {
  const stats = await Promise.all(client.nodes('master').map((node) => node.info('commandstats')));
  let calls = 0;
  for (const text of stats) for (const match of text.matchAll(/^cmdstat_(get|eval|evalsha):calls=(\d+)/gm)) calls += Number(match[2]);
  return calls;
}

const routes = loginRoutes();
const limited: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from('ok')];
};

/**
 * An app instance (its own Cluster client, stores and server): the session routes, and
 * /limited under one rate limit (`rl` its key prefix: another one is another quota).
 */
async function instance(client: Cluster, rl = 'cluster:rl:'): Promise<string> {
  const sessions = session({ store: redisSessionStore(client, { prefix: 'cluster:sess:' }), storeTimeout: 2000 })(lint(routes));
  const limit = rateLimit({ limit: LIMIT, window: 60_000, onStoreError: 'closed', store: redisStore(client, { prefix: rl }) })(lint(limited));
  const app: Application = (environ, startResponse) => (environ.PATH_INFO === '/limited' ? limit(environ, startResponse) : sessions(environ, startResponse));
  const served = await serve(lint(app), { host: '127.0.0.1', port: 0 });
  servers.push(served);
  return served.url.replace(/\/$/, '');
}

async function get(url: string, cookie?: string): Promise<{ status: number; body: string; cookie: string | undefined }> {
  const response = await fetch(url, { headers: cookie === undefined ? {} : { cookie }, signal: AbortSignal.timeout(10_000) });
  const setCookie = response.headers.get('set-cookie') ?? undefined;
  return { status: response.status, body: await response.text(), cookie: setCookie?.split(';')[0] };
}

let one: string;
let two: string;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  [one, two] = await Promise.all([clusterClient().then((c) => instance(c)), clusterClient().then((c) => instance(c))]);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const client of clients) client.disconnect();
  await cluster?.stop();
});

test('the cluster is real: 3 masters sharing the 16384 slots', async () => {
  const [client] = clients;
  const slots = (await client!.cluster('SLOTS')) as Array<[number, number, ...unknown[]]>;
  expect(slots.length).toBe(3);
  expect(slots.reduce((n, [from, to]) => n + to - from + 1, 0)).toBe(16384);
});

test('a login survives to the next request, on the same instance and on another one', async () => {
  const login = await get(`${one}/login?user=alice`);
  expect(login.status).toBe(200);
  expect(login.cookie).toMatch(/^sid=/);
  expect(await get(`${one}/me`, login.cookie)).toMatchObject({ status: 200, body: 'alice' });
  expect(await get(`${two}/me`, login.cookie)).toMatchObject({ status: 200, body: 'alice' });
});

test('sessions spread over the nodes, and each node runs the scripts', async () => {
  const cookies: string[] = [];
  for (let i = 0; i < 12; i++) cookies.push((await get(`${i % 2 === 0 ? one : two}/login?user=u${i}`)).cookie!);
  for (const [i, cookie] of cookies.entries()) expect((await get(`${i % 2 === 0 ? two : one}/me`, cookie)).body).toBe(`u${i}`);
  // Where the keys are: each master counts its own.
  const nodes = clients[0]!.nodes('master');
  const counts = await Promise.all(nodes.map(async (node) => (await node.keys('cluster:sess:*')).length));
  expect(counts.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(cookies.length);
});

test('a destroyed session stays dead: logout on one instance, the old cookie gets no session on the other', async () => {
  const login = await get(`${one}/login?user=bob`);
  expect((await get(`${two}/me`, login.cookie)).body).toBe('bob');
  const logout = await get(`${two}/logout`, login.cookie);
  expect(logout.status).toBe(200);
  expect(logout.body).toBe('-');
  expect(await get(`${one}/me`, login.cookie)).toMatchObject({ status: 200, body: '-' });
});

test('one rate limit across two instances: LIMIT + 1 requests give exactly one 429, the last', async () => {
  const statuses: number[] = [];
  for (let i = 0; i <= LIMIT; i++) statuses.push((await get(`${i % 2 === 0 ? one : two}/limited`)).status);
  expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), 429]);
  // The other instance sees the spent quota as well.
  expect((await get(`${LIMIT % 2 === 0 ? two : one}/limited`)).status).toBe(429);
});

test('through a Cluster client with enableAutoPipelining: concurrent logins and rate-limited requests, batched per node', async () => {
  const client = await clusterClient(true);
  // Count what goes out: with auto-pipelining a batch is one pipeline() for one node.
  let pipelines = 0;
  const pipeline = client.pipeline.bind(client);
  client.pipeline = ((...args: Parameters<Cluster['pipeline']>) => {
    pipelines++;
    return pipeline(...args);
  }) as Cluster['pipeline'];
  const piped = await instance(client, 'cluster:rl-piped:');
  // The scripts are new to every node again: NOSCRIPT -> EVAL happens inside the pipelines.
  await Promise.all(client.nodes('master').map((node) => node.script('FLUSH')));

  const sent = (): Promise<number> => commandsSent(client);
  const before = await sent();
  const users = Array.from({ length: 24 }, (_, i) => `p${i}`);
  const logins = await Promise.all(users.map((user) => get(`${piped}/login?user=${user}`)));
  expect(logins.map((l) => l.status)).toEqual(users.map(() => 200));
  // Each login was an EVALSHA, then an EVAL after NOSCRIPT: fewer pipelines than commands means they were batched.
  const commands = (await sent()) - before;
  expect(commands).toBeGreaterThanOrEqual(users.length);
  expect(pipelines).toBeGreaterThan(0);
  expect(pipelines).toBeLessThan(commands);
  // Read back concurrently through the same client, and through a plain one.
  const again = await Promise.all(logins.map((l) => get(`${piped}/me`, l.cookie)));
  expect(again.map((r) => r.body)).toEqual(users);
  for (const [i, login] of logins.entries()) expect((await get(`${one}/me`, login.cookie)).body).toBe(users[i]);
  // Logout through the pipelined client is final on the plain one too.
  expect((await get(`${piped}/logout`, logins[0]!.cookie)).status).toBe(200);
  expect((await get(`${two}/me`, logins[0]!.cookie)).body).toBe('-');

  // LIMIT + 3 requests at once on a fresh quota: exactly LIMIT pass, the others are 429s.
  const statuses = await Promise.all(Array.from({ length: LIMIT + 3 }, () => get(`${piped}/limited`).then((r) => r.status)));
  expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
  expect(statuses.filter((s) => s === 429)).toHaveLength(3);
});
