/**
 * Accounts: `POST /users` (register, 201), `POST /users/login`, `GET /user` and
 * `PUT /user`. Each answers `{ user: { email, token, username, bio, image } }`.
 * A taken email or username is a 422 naming the field, checked first and again by
 * the unique indexes (two workers may register the same name at the same moment).
 *
 * @example
 * router().post('/users/login', users.login).get('/user', requireUser(tokens)(users.current));
 * @see https://github.com/gothinkster/realworld/blob/main/api/openapi.yml (User and Authentication)
 * @module
 */
import { NotFound } from '@tsgi/errors';
import { json } from '@tsgi/request';
import { viewerOf } from './auth.js';
import { isUniqueViolation, type Database } from './db/database.js';
import { unauthorized, ValidationError } from './errors.js';
import { endpoint, type Deps } from './handler.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { BIO, checkFields, EMAIL, IMAGE, PASSWORD, readEnvelope, USERNAME } from './validate.js';

interface UserRow {
  id: number;
  email: string;
  username: string;
  bio: string;
  image: string;
  password_hash: string;
}

const userJson = (row: UserRow, token: string, status = 200) =>
  json({ user: { email: row.email, token, username: row.username, bio: row.bio, image: row.image } }, { status });

/** 422s for an email or username someone else has (`exceptId`: the user changing theirs). */
async function checkTaken(db: Database, email: string | undefined, username: string | undefined, exceptId: number): Promise<void> {
  const rows = await db.query<{ email_taken: boolean; username_taken: boolean }>(
    `select coalesce(bool_or(lower(email) = lower($1)), false) as email_taken, coalesce(bool_or(username = $2), false) as username_taken
     from users where (lower(email) = lower($1) or username = $2) and id <> $3`,
    [email ?? null, username ?? null, exceptId],
  );
  const problems: string[] = [];
  if (rows[0]?.email_taken) problems.push('email has already been taken');
  if (rows[0]?.username_taken) problems.push('username has already been taken');
  if (problems.length > 0) throw new ValidationError(problems);
}

/** A unique index refused the write: the same 422 as checkTaken, for the race it could not see. */
function takenError(error: unknown): unknown {
  if (!isUniqueViolation(error)) return error;
  const constraint = String((error as { constraint?: unknown }).constraint ?? '');
  return new ValidationError([`${constraint.includes('email') ? 'email' : 'username'} has already been taken`]);
}

export function userHandlers({ db, tokens }: Deps) {
  return {
    register: endpoint(async (environ) => {
      const input = checkFields(await readEnvelope(environ, 'user'), { username: USERNAME, email: EMAIL, password: PASSWORD }, 'all') as Record<'username' | 'email' | 'password', string>;
      await checkTaken(db, input.email, input.username, 0);
      const hash = await hashPassword(input.password);
      const [row] = await db
        .query<UserRow>('insert into users (email, username, password_hash) values ($1, $2, $3) returning *', [input.email, input.username, hash])
        .catch((error: unknown) => Promise.reject(takenError(error)));
      return userJson(row!, await tokens.sign(row!.id), 201);
    }),

    login: endpoint(async (environ) => {
      const input = checkFields(await readEnvelope(environ, 'user'), { email: { ...EMAIL, pattern: undefined }, password: { ...PASSWORD, pattern: undefined } }, 'all') as Record<'email' | 'password', string>;
      const [row] = await db.query<UserRow>('select * from users where lower(email) = lower($1)', [input.email]);
      if (!(await verifyPassword(input.password, row?.password_hash))) throw unauthorized('email or password is invalid');
      return userJson(row!, await tokens.sign(row!.id));
    }),

    current: endpoint(async (environ) => {
      const viewer = viewerOf(environ)!;
      const [row] = await db.query<UserRow>('select * from users where id = $1', [viewer.id]);
      // A valid token for a user that is gone (a reset database): the token is no good.
      if (row === undefined) throw unauthorized('the token names a user that does not exist: log in again');
      return userJson(row, viewer.token);
    }),

    update: endpoint(async (environ) => {
      const viewer = viewerOf(environ)!;
      const input = checkFields(await readEnvelope(environ, 'user'), { email: EMAIL, username: USERNAME, password: PASSWORD, bio: BIO, image: IMAGE }, 'some') as Partial<Record<'email' | 'username' | 'password' | 'bio' | 'image', string>>;
      await checkTaken(db, input.email, input.username, viewer.id);
      const hash = input.password === undefined ? null : await hashPassword(input.password);
      const [row] = await db
        .query<UserRow>(
          `update users set email = coalesce($2, email), username = coalesce($3, username), password_hash = coalesce($4, password_hash),
             bio = coalesce($5, bio), image = coalesce($6, image)
           where id = $1 returning *`,
          [viewer.id, input.email ?? null, input.username ?? null, hash, input.bio ?? null, input.image ?? null],
        )
        .catch((error: unknown) => Promise.reject(takenError(error)));
      if (row === undefined) throw new NotFound('the user of this token no longer exists');
      return userJson(row, viewer.token);
    }),
  };
}
