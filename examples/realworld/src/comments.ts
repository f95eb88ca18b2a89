/**
 * Comments on an article: list (anonymous or not), add (200, as the spec says) and
 * delete (the comment's author only: 403 for anyone else; 404 for a comment that is
 * not on that article).
 *
 * @example
 * router().post('/articles/:slug/comments', requireUser(tokens)(comments.create));
 * @see https://github.com/gothinkster/realworld/blob/main/api/openapi.yml (Comments)
 * @module
 */
import type { Environ } from '@tsgi/core';
import { Forbidden, NotFound } from '@tsgi/errors';
import { empty, json } from '@tsgi/request';
import { viewerOf } from './auth.js';
import type { Database } from './db/database.js';
import { endpoint, param, type Deps } from './handler.js';
import { checkFields, COMMENT_BODY, readEnvelope } from './validate.js';

interface CommentRow {
  id: number;
  author_id: number;
  body: string;
  created_at: Date | string;
  updated_at: Date | string;
  username: string;
  bio: string;
  image: string;
  following: boolean;
}

const SELECT = `select c.id, c.author_id, c.body, c.created_at, c.updated_at, u.username, u.bio, u.image,
    exists (select 1 from follows x where x.follower_id = $1::integer and x.followee_id = c.author_id) as following
  from comments c join users u on u.id = c.author_id`;

const toComment = (row: CommentRow) => ({
  id: row.id,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
  body: row.body,
  author: { username: row.username, bio: row.bio, image: row.image, following: row.following },
});

async function articleIdOr404(db: Database, environ: Environ): Promise<number> {
  const slug = param(environ, 'slug');
  const [row] = await db.query<{ id: number }>('select id from articles where slug = $1', [slug]);
  if (row === undefined) throw new NotFound(`no article ${JSON.stringify(slug)}`);
  return row.id;
}

export function commentHandlers({ db }: Deps) {
  return {
    list: endpoint(async (environ) => {
      const articleId = await articleIdOr404(db, environ);
      const rows = await db.query<CommentRow>(`${SELECT} where c.article_id = $2 order by c.id`, [viewerOf(environ)?.id ?? null, articleId]);
      return json({ comments: rows.map(toComment) });
    }),

    create: endpoint(async (environ) => {
      const articleId = await articleIdOr404(db, environ);
      const { body } = checkFields(await readEnvelope(environ, 'comment'), { body: COMMENT_BODY }, 'all') as { body: string };
      const viewerId = viewerOf(environ)!.id;
      const [created] = await db.query<{ id: number }>('insert into comments (article_id, author_id, body) values ($1, $2, $3) returning id', [articleId, viewerId, body]);
      const [row] = await db.query<CommentRow>(`${SELECT} where c.id = $2`, [viewerId, created!.id]);
      return json({ comment: toComment(row!) });
    }),

    remove: endpoint(async (environ) => {
      const articleId = await articleIdOr404(db, environ);
      // The route only matches digits; past 2^31 - 1 no comment can have the id.
      const id = Number(param(environ, 'id'));
      const [row] = id <= 2 ** 31 - 1 ? await db.query<{ author_id: number }>('select author_id from comments where id = $1 and article_id = $2', [id, articleId]) : [];
      if (row === undefined) throw new NotFound(`no comment ${param(environ, 'id')} on this article`);
      if (row.author_id !== viewerOf(environ)!.id) throw new Forbidden('only its author may delete this comment');
      await db.query('delete from comments where id = $1', [id]);
      return empty(200);
    }),
  };
}
