/**
 * The schema, as numbered migrations run on start: each runs once, in order, inside
 * one transaction that also records it in `schema_migrations`. Several workers may
 * start at once against one PostgreSQL server, so the run holds a transaction-level
 * advisory lock: the second worker waits, then finds nothing left to do.
 *
 * Tags live in a `text[]` column of the article (with a GIN index for `?tag=`): the
 * list is read with every article, and an array keeps that a column instead of a join.
 *
 * @example
 * await migrate(db); // on start, before the first request
 * @see https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
 * @module
 */
import type { Database } from './database.js';

/** Each migration is a list of single statements (PGlite's extended protocol takes one at a time). */
export const MIGRATIONS: ReadonlyArray<{ id: number; name: string; statements: readonly string[] }> = [
  {
    id: 1,
    name: 'conduit schema',
    statements: [
      `create table users (
        id serial primary key,
        email text not null,
        username text not null unique,
        password_hash text not null,
        bio text not null default '',
        image text not null default ''
      )`,
      // Emails are compared without case: Ann@x.org and ann@x.org are one account.
      'create unique index users_email_key on users (lower(email))',
      `create table follows (
        follower_id integer not null references users on delete cascade,
        followee_id integer not null references users on delete cascade,
        primary key (follower_id, followee_id)
      )`,
      `create table articles (
        id serial primary key,
        slug text not null unique,
        title text not null,
        description text not null,
        body text not null,
        tag_list text[] not null default '{}',
        author_id integer not null references users on delete cascade,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      'create index articles_recent on articles (created_at desc, id desc)',
      'create index articles_author on articles (author_id)',
      'create index articles_tags on articles using gin (tag_list)',
      `create table favorites (
        user_id integer not null references users on delete cascade,
        article_id integer not null references articles on delete cascade,
        primary key (user_id, article_id)
      )`,
      'create index favorites_article on favorites (article_id)',
      `create table comments (
        id serial primary key,
        article_id integer not null references articles on delete cascade,
        author_id integer not null references users on delete cascade,
        body text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      'create index comments_article on comments (article_id)',
      // Settings every worker must agree on (the JWT key when none is configured).
      'create table settings (name text primary key, value text not null)',
    ],
  },
];

// Any constant both workers use; "conduit" in ASCII.
const MIGRATION_LOCK = 0x636f6e64;

/** Runs the migrations not yet applied; returns the ids it applied. */
export async function migrate(db: Database): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('create table if not exists schema_migrations (id integer primary key, name text not null, applied_at timestamptz not null default now())');
    const done = new Set((await tx.query<{ id: number }>('select id from schema_migrations')).map((row) => row.id));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.id)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('insert into schema_migrations (id, name) values ($1, $2)', [migration.id, migration.name]);
      applied.push(migration.id);
    }
    return applied;
  });
}
