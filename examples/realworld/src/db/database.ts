/**
 * The one storage interface the handlers use, and the two drivers behind it: PGlite
 * (PostgreSQL compiled to WASM, in this process) by default, or a real PostgreSQL
 * server through `pg` when `DATABASE_URL` is set. Both speak the same SQL (PostgreSQL's
 * own parser runs in PGlite), so the queries are written once.
 *
 * Drivers are imported on first use, so a runtime that only ever uses one of them
 * never loads the other (Bun and Deno run PGlite; `pg` needs node:net).
 *
 * @example
 * const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: './conduit-data' });
 * const [user] = await db.query<{ id: number }>('select id from users where email = $1', [email]);
 * @see https://pglite.dev/docs/api
 * @see https://node-postgres.com/apis/pool
 * @module
 */

/** A row-returning query on the database; `$1`, `$2`... are bound to `params`. */
export interface Database {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (tx: Pick<Database, 'query'>) => Promise<T>): Promise<T>;
  /** `'pglite'` or `'postgres'`: the README and the start-up line say which one runs. */
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A `postgres://` URL: use that server (through a `pg` pool). Unset: PGlite in this process. */
  url?: string | undefined;
  /** PGlite's data directory; unset keeps the database in memory (tests). */
  dataDir?: string | undefined;
  /** Connections in the `pg` pool, per process. @default 10 */
  poolSize?: number;
}

/** Opens the database the options name; the caller runs the migrations. */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.url !== undefined && options.url !== '') {
    if (!/^postgres(ql)?:\/\//.test(options.url)) {
      throw new TypeError(`DATABASE_URL must be a postgres:// URL, got ${JSON.stringify(options.url.replace(/:[^:@/]*@/, ':***@'))}`);
    }
    return openPostgres(options.url, options.poolSize ?? 10);
  }
  return openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create(dataDir);
  const db: Database = {
    kind: 'pglite',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      return (await pg.query<Row>(sql, params as unknown[])).rows;
    },
    // PGlite is one connection: its transaction() holds every other query until it ends.
    transaction: (work) => pg.transaction((tx) => work({ query: async <Row>(sql: string, params: readonly unknown[] = []) => (await tx.query<Row>(sql, params as unknown[])).rows })),
    close: () => pg.close(),
  };
  return db;
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client's error (the server restarted) must not crash the worker: the pool drops it.
  pool.on('error', () => undefined);
  const db: Database = {
    kind: 'postgres',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      return (await pool.query(sql, params as unknown[])).rows as Row[];
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work({ query: async <Row>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as Row[] });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  // Fail at start-up, not on the first request, when the server is not there.
  await pool.query('select 1');
  return db;
}

/** PostgreSQL's SQLSTATE for a unique-constraint violation (both drivers report it as `code`). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
