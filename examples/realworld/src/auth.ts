/**
 * Who is asking: JWTs (HS256, through `jose`) issued at login and registration, read
 * from Conduit's `Authorization: Token <jwt>` header by `bearerAuth()` from
 * @tsgi/auth. Routes that need a user wrap their handler in `requireUser`; routes
 * where a user is optional (an article's `favorited`, a profile's `following`) in
 * `optionalUser`, which lets a request without the header through as anonymous but
 * still refuses a bad token, so a client learns its token expired.
 *
 * The signing key is `JWT_SECRET` when set; otherwise a random key made on first
 * start and kept in the database, so every worker (and every restart) signs and
 * verifies with the same one.
 *
 * @example
 * const tokens = await tokenService(db, process.env.JWT_SECRET);
 * router().get('/user', requireUser(tokens)(currentUserHandler));
 * @see https://www.rfc-editor.org/rfc/rfc7519 (JWT)
 * @see https://github.com/gothinkster/realworld/blob/main/api/openapi.yml (securitySchemes: Token)
 * @module
 */
import { randomBytes } from 'node:crypto';
import { bearerAuth } from '@tsgi/auth';
import type { Application, Environ, Middleware, StartResponse } from '@tsgi/core';
import { jwtVerify, SignJWT } from 'jose';
import type { Database } from './db/database.js';
import { unauthorized } from './errors.js';

/** What a verified token gives the handlers, in `environ['tsgi.auth']`. */
export interface Viewer {
  /** The user's id (the token's `sub`). */
  id: number;
  /** The token as sent: `GET /user` answers with it. */
  token: string;
}

export interface TokenService {
  sign(userId: number): Promise<string>;
  verify(token: string): Promise<Viewer | undefined>;
}

/** Tokens last this long; a front end logs in again after. */
const LIFETIME = '30d';

/** Makes the token service with `secret`, or with the key kept in the database when it is unset. */
export async function tokenService(db: Database, secret?: string): Promise<TokenService> {
  if (secret !== undefined && secret.length < 32) {
    throw new TypeError(`JWT_SECRET must be at least 32 characters (HS256 wants a 256-bit key), got ${secret.length}`);
  }
  const key = new TextEncoder().encode(secret ?? (await storedSecret(db)));
  return {
    sign: (userId) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(userId)).setIssuedAt().setExpirationTime(LIFETIME).sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
        const id = Number(payload.sub);
        return Number.isSafeInteger(id) && id > 0 ? { id, token } : undefined;
      } catch {
        // Bad signature, expired, malformed: all one answer, 401 invalid token.
        return undefined;
      }
    },
  };
}

/** The key every worker shares: the first to start stores one, the others read it. */
async function storedSecret(db: Database): Promise<string> {
  await db.query('insert into settings (name, value) values ($1, $2) on conflict (name) do nothing', ['jwt_secret', randomBytes(32).toString('base64url')]);
  const [row] = await db.query<{ value: string }>('select value from settings where name = $1', ['jwt_secret']);
  return row!.value;
}

const REASONS: Record<string, string> = {
  missing_credentials: "authorization required: send 'Authorization: Token <jwt>'",
  invalid_token: 'the token is invalid or expired: log in again',
};

/** Answers every refusal as the spec's 401 (bearerAuth would send 400 for a malformed header). */
function refuseWithConduitError(environ: Environ): never {
  const reason = String(environ['tsgi.auth_error']);
  throw unauthorized(REASONS[reason] ?? "the Authorization header must be 'Token <jwt>'");
}

/** Conduit's scheme is `Token`; bearerAuth reads `Bearer`. Same token, other name. */
function tokenToBearer(environ: Environ): void {
  const header = environ.HTTP_AUTHORIZATION;
  if (header !== undefined && /^token /i.test(header)) environ.HTTP_AUTHORIZATION = 'Bearer ' + header.slice(6);
}

/** Refuses a request without a valid token; the handler finds the user with `viewerOf`. */
export function requireUser(tokens: TokenService): Middleware {
  const auth = bearerAuth({ realm: 'conduit', verify: (token) => tokens.verify(token), onUnauthorized: refuseWithConduitError });
  return function requireUserMiddleware(app: Application): Application {
    const checked = auth(app);
    return function requireUserApp(environ: Environ, startResponse: StartResponse) {
      tokenToBearer(environ);
      return checked(environ, startResponse);
    };
  };
}

/** Lets an anonymous request through; a request with a header must carry a valid token. */
export function optionalUser(tokens: TokenService): Middleware {
  const required = requireUser(tokens);
  return function optionalUserMiddleware(app: Application): Application {
    const checked = required(app);
    return function optionalUserApp(environ: Environ, startResponse: StartResponse) {
      return environ.HTTP_AUTHORIZATION === undefined ? app(environ, startResponse) : checked(environ, startResponse);
    };
  };
}

/** The user a verified token names, or undefined for an anonymous request. */
export function viewerOf(environ: Environ): Viewer | undefined {
  return environ['tsgi.auth'] as Viewer | undefined;
}
