/**
 * The socket-level run: the real `tsgi` CLI serving server.ts:main() under lint()
 * (CONDUIT_LINT=1), talked to over TCP with a new connection per request, so the
 * requests of one user's journey are dealt to both workers in turn:
 *
 * - 2 workers on a throwaway PostgreSQL server (DATABASE_URL): register, login, the
 *   current user, articles (22, two pages), follow, feed, favorite, comments, the
 *   403s, and proof that both workers answered (the access log's request ids carry
 *   a per-process prefix) and that a token signed by one verifies on the other;
 * - 1 worker on PGlite (the default), started twice on one data directory: the data,
 *   the migrations and the JWT key survive a restart;
 * - PGlite with 2 workers is refused at start with the two ways out.
 */
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT, exitCode, runCli, startedUrl, stopCli, type Cli } from '../../../packages/cli/test/cli-harness.js';
import { startPostgres, type Postgres } from './postgres.js';

jest.setTimeout(120_000);

const TARGET = 'examples/realworld/server.ts:main()';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

/** One request on a new connection (agent: false), so the primary deals each to the next worker. */
function call(base: string, method: string, target: string, options: { token?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const payload = options.json === undefined ? undefined : Buffer.from(JSON.stringify(options.json));
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.Authorization = `Token ${options.token}`;
  if (payload) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(payload.byteLength) });
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(target, base), { method, headers, agent: false, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body, json: <T>() => JSON.parse(body.toString()) as T });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${target}: no answer within 20 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

describe('2 workers on PostgreSQL', () => {
  let pg: Postgres;
  let cli: Cli;
  let url: string;
  beforeAll(async () => {
    pg = await startPostgres();
    cli = runCli(['serve', TARGET, '--port', '0', '--workers', '2'], { DATABASE_URL: pg.url, CONDUIT_LINT: '1', JWT_SECRET: undefined, CONDUIT_DATA_DIR: undefined });
    url = await startedUrl(cli, 60_000);
  }, 90_000);
  afterAll(async () => {
    if (cli) await stopCli(cli);
    if (pg) await pg.stop();
  }, 30_000);

  test('a user journey across both workers', async () => {
    const api = (method: string, target: string, options?: Parameters<typeof call>[3]) => call(url, method, `/api${target}`, options);
    const requestIds: string[] = [];
    const track = (reply: Reply): Reply => {
      requestIds.push(String(reply.headers['x-request-id']));
      return reply;
    };

    // Register two users and log one in; each token must verify on either worker.
    const ann = track(await api('POST', '/users', { json: { user: { username: 'ann', email: 'ann@example.org', password: 'ann password' } } }));
    expect(ann.status).toBe(201);
    const bob = track(await api('POST', '/users', { json: { user: { username: 'bob', email: 'bob@example.org', password: 'bob password' } } }));
    expect(bob.status).toBe(201);
    const bobToken = bob.json<{ user: { token: string } }>().user.token;
    const login = track(await api('POST', '/users/login', { json: { user: { email: 'ann@example.org', password: 'ann password' } } }));
    expect(login.status).toBe(200);
    const annToken = login.json<{ user: { token: string } }>().user.token;
    for (let i = 0; i < 4; i++) {
      const me = track(await api('GET', '/user', { token: annToken }));
      expect(me.status).toBe(200);
      expect(me.json<{ user: { username: string } }>().user.username).toBe('ann');
    }

    // Bob writes 22 articles: two pages of the list.
    const slugs: string[] = [];
    for (let i = 0; i < 22; i++) {
      const created = track(await api('POST', '/articles', { token: bobToken, json: { article: { title: `Dragons ${i}`, description: 'd', body: `part ${i}`, tagList: ['dragons'] } } }));
      expect(created.status).toBe(201);
      slugs.push(created.json<{ article: { slug: string } }>().article.slug);
    }
    const first = track(await api('GET', '/articles?tag=dragons'));
    expect(first.json<{ articlesCount: number; articles: Array<{ slug: string }> }>()).toMatchObject({ articlesCount: 22 });
    expect(first.json<{ articles: Array<{ slug: string }> }>().articles.map((a) => a.slug)).toEqual([...slugs].reverse().slice(0, 20));
    const second = track(await api('GET', '/articles?tag=dragons&limit=20&offset=20'));
    expect(second.json<{ articles: Array<{ slug: string }> }>().articles.map((a) => a.slug)).toEqual([slugs[1], slugs[0]]);

    // Ann follows Bob: his articles fill her feed.
    expect(track(await api('GET', '/articles/feed', { token: annToken })).json()).toEqual({ articles: [], articlesCount: 0 });
    const followed = track(await api('POST', '/profiles/bob/follow', { token: annToken }));
    expect(followed.json()).toEqual({ profile: { username: 'bob', bio: '', image: '', following: true } });
    const feed = track(await api('GET', '/articles/feed?limit=5', { token: annToken }));
    expect(feed.json<{ articlesCount: number; articles: unknown[] }>()).toMatchObject({ articlesCount: 22 });
    expect(feed.json<{ articles: unknown[] }>().articles).toHaveLength(5);

    // Favorite and comment.
    const slug = slugs[0]!;
    const favorited = track(await api('POST', `/articles/${slug}/favorite`, { token: annToken }));
    expect(favorited.json<{ article: object }>().article).toMatchObject({ favorited: true, favoritesCount: 1, author: { username: 'bob', following: true } });
    const comment = track(await api('POST', `/articles/${slug}/comments`, { token: annToken, json: { comment: { body: 'Great read' } } }));
    expect(comment.status).toBe(200);
    const commentId = comment.json<{ comment: { id: number } }>().comment.id;
    const comments = track(await api('GET', `/articles/${slug}/comments`));
    expect(comments.json<{ comments: Array<{ body: string; author: { username: string } }> }>().comments.map((c) => [c.body, c.author.username])).toEqual([['Great read', 'ann']]);

    // Someone else's comment or article: 403; a missing token: 401 with the Token challenge.
    expect(track(await api('DELETE', `/articles/${slug}/comments/${commentId}`, { token: bobToken })).status).toBe(403);
    expect(track(await api('DELETE', `/articles/${slug}`, { token: annToken })).status).toBe(403);
    const anonymous = track(await api('POST', `/articles/${slug}/favorite`));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Token realm="conduit"');
    expect(anonymous.json()).toEqual({ errors: { body: ["authorization required: send 'Authorization: Token <jwt>'"] } });
    expect(track(await api('DELETE', `/articles/${slug}/comments/${commentId}`, { token: annToken })).status).toBe(200);

    // Over the wire: gzip when asked, CORS on every answer, tags.
    const zipped = track(await api('GET', '/articles?limit=20', { headers: { 'Accept-Encoding': 'gzip', Origin: 'https://app.example' } }));
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(gunzipSync(zipped.body).toString()).articles).toHaveLength(20);
    expect(track(await api('GET', '/tags')).json()).toEqual({ tags: ['dragons'] });

    // Both workers answered: the logger's request ids start with a prefix made once per process.
    const prefixes = new Set(requestIds.map((id) => id.replace(/-[^-]*$/, '')));
    expect(prefixes.size).toBe(2);
    expect(cli.stderr()).toMatch(/"POST \/api\/users\/login HTTP\/1.1" 200 /);
  });
});

describe('PGlite, the embedded default', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'conduit-pglite-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('with 2 workers the CLI refuses to start and says what to do', async () => {
    const cli = runCli(['serve', TARGET, '--port', '0', '--workers', '2'], { DATABASE_URL: undefined, CONDUIT_DATA_DIR: dataDir });
    expect(await exitCode(cli, 30_000)).not.toBe(0);
    expect(cli.stderr()).toMatch(/PGlite .* --workers 2 .* Run with --workers 1, or set DATABASE_URL=postgres:/);
  });

  test('1 worker: data, migrations and the signing key survive a restart', async () => {
    const env = { DATABASE_URL: undefined, CONDUIT_DATA_DIR: dataDir, CONDUIT_LINT: '1', JWT_SECRET: undefined };
    let cli = runCli(['serve', TARGET, '--port', '0', '--workers', '1'], env, ROOT);
    let token: string;
    try {
      const url = await startedUrl(cli, 90_000);
      expect(cli.stderr()).toMatch(/conduit: pglite ready in \d+ ms, migrations 1 applied/);
      const registered = await call(url, 'POST', '/api/users', { json: { user: { username: 'cat', email: 'cat@example.org', password: 'cat password' } } });
      expect(registered.status).toBe(201);
      token = registered.json<{ user: { token: string } }>().user.token;
      expect((await call(url, 'POST', '/api/articles', { token, json: { article: { title: 'Kept', description: 'd', body: 'b' } } })).status).toBe(201);
    } finally {
      await stopCli(cli);
    }
    cli = runCli(['serve', TARGET, '--port', '0', '--workers', '1'], env, ROOT);
    try {
      const url = await startedUrl(cli, 90_000);
      expect(cli.stderr()).toMatch(/conduit: pglite ready in \d+ ms\n/);
      const me = await call(url, 'GET', '/api/user', { token });
      expect(me.status).toBe(200);
      expect((await call(url, 'GET', '/api/articles')).json<{ articles: Array<{ slug: string }> }>().articles.map((a) => a.slug)).toEqual(['kept']);
    } finally {
      await stopCli(cli);
    }
  });
});
