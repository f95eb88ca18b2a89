/**
 * One Conduit app for the request tests, on a throwaway PostgreSQL server (PGlite's
 * build loads node built-ins with import(), which jest's CommonJS VM refuses; the CLI
 * test runs the PGlite path in a real Node process), and helpers that register users
 * and create articles through the API itself.
 */
import { testClient, type TestClient } from '@tsgi/testing';
import { conduit } from '../src/app.js';
import { tokenService } from '../src/auth.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrations.js';
import { startPostgres, type Postgres } from './postgres.js';

/** A fixed key, so a test can make tokens the app must refuse (expired, other key). */
export const SECRET = 'test-secret-of-at-least-32-characters!';

export interface Conduit {
  client: TestClient;
  db: Database;
  log: string[];
  stop(): Promise<void>;
}

export async function startConduit(): Promise<Conduit> {
  const server: Postgres = await startPostgres();
  const db = await openDatabase({ url: server.url });
  await migrate(db);
  const log: string[] = [];
  const app = conduit({ db, tokens: await tokenService(db, SECRET), log: { write: (text: string) => log.push(text) } });
  const stop = async () => {
    await db.close();
    await server.stop();
  };
  return { client: testClient(app, { timeout: 15_000 }), db, log, stop };
}

let counter = 0;
/** A name no other test uses (one database for the whole file). */
export function unique(prefix: string): string {
  return `${prefix}${++counter}${Math.random().toString(36).slice(2, 6)}`;
}

export interface TestUser {
  username: string;
  email: string;
  password: string;
  token: string;
  auth: { Authorization: string };
}

export async function register(client: TestClient, prefix = 'user'): Promise<TestUser> {
  const username = unique(prefix);
  const email = `${username}@example.org`;
  const password = 'correct horse battery';
  const res = await client.post('/api/users', { json: { user: { username, email, password } } });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${res.text}`);
  const { token } = res.json<{ user: { token: string } }>().user;
  return { username, email, password, token, auth: { Authorization: `Token ${token}` } };
}

export async function createArticle(client: TestClient, user: TestUser, fields: Record<string, unknown> = {}): Promise<{ slug: string }> {
  const res = await client.post('/api/articles', {
    headers: user.auth,
    json: { article: { title: unique('Title '), description: 'about it', body: 'the text', tagList: ['tsgi'], ...fields } },
  });
  if (res.status !== 201) throw new Error(`create article: ${res.status} ${res.text}`);
  return res.json<{ article: { slug: string } }>().article;
}

/** The spec's error shape; returns its messages. */
export function errorsOf(res: { json<T>(): T; header(name: string): string | undefined }): string[] {
  expect(res.header('content-type')).toBe('application/json; charset=utf-8');
  const body = res.json<{ errors: { body: string[] } }>();
  expect(Object.keys(body)).toEqual(['errors']);
  expect(Array.isArray(body.errors.body)).toBe(true);
  return body.errors.body;
}
