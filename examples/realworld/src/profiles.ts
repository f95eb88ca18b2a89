/**
 * Profiles and follows: `GET /profiles/:username` (anonymous or not),
 * `POST` and `DELETE /profiles/:username/follow`. Following is idempotent: following
 * twice is one row, unfollowing someone not followed answers the profile all the same.
 *
 * @example
 * router().get('/profiles/:username', optionalUser(tokens)(profiles.show));
 * @see https://github.com/gothinkster/realworld/blob/main/api/openapi.yml (Profile)
 * @module
 */
import type { Environ } from '@tsgi/core';
import { NotFound, UnprocessableContent } from '@tsgi/errors';
import { json } from '@tsgi/request';
import { viewerOf } from './auth.js';
import type { Database } from './db/database.js';
import { endpoint, param, type Deps } from './handler.js';

export interface Profile {
  username: string;
  bio: string;
  image: string;
  following: boolean;
}

/** The profile of `username` as `viewerId` sees it (`following`), or undefined. */
export async function findProfile(db: Pick<Database, 'query'>, username: string, viewerId: number | undefined): Promise<(Profile & { id: number }) | undefined> {
  const [row] = await db.query<Profile & { id: number }>(
    `select u.id, u.username, u.bio, u.image,
       exists (select 1 from follows f where f.follower_id = $2 and f.followee_id = u.id) as following
     from users u where u.username = $1`,
    [username, viewerId ?? null],
  );
  return row;
}

async function profileOr404(db: Database, environ: Environ): Promise<Profile & { id: number }> {
  const username = param(environ, 'username');
  const profile = await findProfile(db, username, viewerOf(environ)?.id);
  if (profile === undefined) throw new NotFound(`no user named ${JSON.stringify(username)}`);
  return profile;
}

const answer = ({ id: _id, ...profile }: Profile & { id: number }) => json({ profile });

export function profileHandlers({ db }: Deps) {
  return {
    show: endpoint(async (environ) => answer(await profileOr404(db, environ))),
    follow: endpoint(async (environ) => {
      const profile = await profileOr404(db, environ);
      const viewer = viewerOf(environ)!;
      if (profile.id === viewer.id) throw new UnprocessableContent('you cannot follow yourself');
      await db.query('insert into follows (follower_id, followee_id) values ($1, $2) on conflict do nothing', [viewer.id, profile.id]);
      return answer({ ...profile, following: true });
    }),
    unfollow: endpoint(async (environ) => {
      const profile = await profileOr404(db, environ);
      await db.query('delete from follows where follower_id = $1 and followee_id = $2', [viewerOf(environ)!.id, profile.id]);
      return answer({ ...profile, following: false });
    }),
  };
}
