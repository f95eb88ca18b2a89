/**
 * What the `tsgi` CLI serves: `main()` opens the database, runs the migrations and
 * returns the Conduit app, before the worker takes its first connection.
 *
 *     tsgi serve "examples/realworld/server.ts:main()" --workers 1                 # PGlite
 *     DATABASE_URL=postgres://... tsgi serve "examples/realworld/server.ts:main()" --workers 2
 *
 * Settings (environment): `DATABASE_URL` (a PostgreSQL server; unset: PGlite),
 * `CONDUIT_DATA_DIR` (PGlite's directory, default `.conduit-data` next to this file;
 * `memory://` for none), `JWT_SECRET` (at least 32 characters; unset: a key kept in the database),
 * `CONDUIT_LINT=1` (wrap the app in `lint()` from @tsgi/lint: the socket tests do).
 *
 * PGlite is a database inside one process: two workers would each open the same data
 * directory with no lock between them and corrupt it. So with PGlite, more than one
 * worker is refused at start, with the two ways out.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import type { Application } from '@tsgi/core';
import { conduit } from './src/app.js';
import { tokenService } from './src/auth.js';
import { openDatabase, type Database } from './src/db/database.js';
import { migrate } from './src/db/migrations.js';

/** How many workers the CLI runs, from the note its worker leaves for libraries (undefined outside the CLI). */
function cliWorkers(): number | undefined {
  const note = (globalThis as Record<symbol, unknown>)[Symbol.for('tsgi.cluster-worker')] as { workers?: number } | undefined;
  return note?.workers;
}

export async function main(): Promise<Application> {
  const env = process.env;
  const url = env.DATABASE_URL || undefined;
  const workers = cliWorkers() ?? 1;
  if (url === undefined && workers > 1) {
    throw new Error(
      `conduit: PGlite (the embedded database) lives in one process, and --workers ${workers} would open its data directory ${workers} times with no lock between them. ` +
        'Run with --workers 1, or set DATABASE_URL=postgres://user:password@host/db to share one PostgreSQL server.',
    );
  }
  const started = performance.now();
  // Next to this file by default (ignored by git), wherever the CLI was started from.
  const dataDir = env.CONDUIT_DATA_DIR ?? fileURLToPath(new URL('./.conduit-data', import.meta.url));
  const db: Database = await openDatabase({ url, dataDir: url === undefined ? dataDir : undefined });
  const applied = await migrate(db);
  const tokens = await tokenService(db, env.JWT_SECRET || undefined);
  process.stderr.write(`conduit: ${db.kind} ready in ${Math.round(performance.now() - started)} ms${applied.length > 0 ? `, migrations ${applied.join(', ')} applied` : ''}\n`);
  const app = conduit({ db, tokens });
  if (env.CONDUIT_LINT !== '1') return app;
  const { lint } = await import('@tsgi/lint');
  return lint(app);
}
