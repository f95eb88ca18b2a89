/**
 * Articles, favorites and tags: list (filters, pagination), feed, show, create (201),
 * update and delete (the author only: 403 for anyone else), favorite and unfavorite,
 * and `GET /tags`. A slug is made from the title; a title another article already
 * has gets a short random suffix, so slugs stay unique without a read-then-write race.
 *
 * @example
 * router().get('/articles', optionalUser(tokens)(articles.list)).post('/articles', requireUser(tokens)(articles.create));
 * @see https://github.com/gothinkster/realworld/blob/main/api/openapi.yml (Articles, Favorites, Tags)
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Environ } from '@tsgi/core';
import { Forbidden, NotFound } from '@tsgi/errors';
import { empty, json, request } from '@tsgi/request';
import { findArticle, listArticles, publicArticle } from './article-queries.js';
import { viewerOf } from './auth.js';
import { isUniqueViolation, type Database } from './db/database.js';
import { endpoint, param, type Deps } from './handler.js';
import { ARTICLE_BODY, checkFields, DESCRIPTION, readEnvelope, readPage, TAG_LIST, TITLE } from './validate.js';

/** `How to Train Your Dragon` -> `how-to-train-your-dragon`; accents dropped, at most 80 characters. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 80)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'article' : slug;
}

/** Runs `write(slug)`, retrying with a random suffix while the slug is taken. */
async function withFreeSlug<T>(title: string, write: (slug: string) => Promise<T>): Promise<T> {
  const base = slugify(title);
  for (let attempt = 0; ; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${randomBytes(4).toString('hex')}`;
    try {
      return await write(slug);
    } catch (error) {
      if (!isUniqueViolation(error) || attempt === 3) throw error;
    }
  }
}

async function articleOr404(db: Database, environ: Environ) {
  const slug = param(environ, 'slug');
  const article = await findArticle(db, slug, viewerOf(environ)?.id);
  if (article === undefined) throw new NotFound(`no article ${JSON.stringify(slug)}`);
  return article;
}

async function ownArticleOr403(db: Database, environ: Environ) {
  const article = await articleOr404(db, environ);
  if (article.authorId !== viewerOf(environ)!.id) throw new Forbidden('only the author may change or delete this article');
  return article;
}

/** The article `slug` as the viewer now sees it (after a write). */
async function answer(db: Database, slug: string, environ: Environ, status = 200) {
  const article = await findArticle(db, slug, viewerOf(environ)?.id);
  // Deleted by its author between the write and this read.
  if (article === undefined) throw new NotFound(`no article ${JSON.stringify(slug)}`);
  return json({ article: publicArticle(article) }, { status });
}

export function articleHandlers({ db }: Deps) {
  return {
    list: endpoint(async (environ) => {
      const query = request(environ).query;
      const filter = { tag: query.get('tag') ?? undefined, author: query.get('author') ?? undefined, favorited: query.get('favorited') ?? undefined };
      return json(await listArticles(db, viewerOf(environ)?.id, filter, readPage(environ)));
    }),

    feed: endpoint(async (environ) => {
      const viewerId = viewerOf(environ)!.id;
      return json(await listArticles(db, viewerId, { followedBy: viewerId }, readPage(environ)));
    }),

    show: endpoint(async (environ) => json({ article: publicArticle(await articleOr404(db, environ)) })),

    create: endpoint(async (environ) => {
      const input = checkFields(await readEnvelope(environ, 'article'), { title: TITLE, description: DESCRIPTION, body: ARTICLE_BODY }, 'all') as Record<'title' | 'description' | 'body', string>;
      const { tagList = [] } = checkFields(await readEnvelope(environ, 'article'), { tagList: TAG_LIST }, 'optional') as { tagList?: string[] };
      const slug = await withFreeSlug(input.title, async (slug) => {
        await db.query('insert into articles (slug, title, description, body, tag_list, author_id) values ($1, $2, $3, $4, $5, $6)', [
          slug,
          input.title,
          input.description,
          input.body,
          tagList,
          viewerOf(environ)!.id,
        ]);
        return slug;
      });
      return answer(db, slug, environ, 201);
    }),

    update: endpoint(async (environ) => {
      const article = await ownArticleOr403(db, environ);
      const input = checkFields(await readEnvelope(environ, 'article'), { title: TITLE, description: DESCRIPTION, body: ARTICLE_BODY, tagList: TAG_LIST }, 'some') as {
        title?: string;
        description?: string;
        body?: string;
        tagList?: string[];
      };
      const retitled = input.title !== undefined && input.title !== article.title;
      const slug = await withFreeSlug(retitled ? input.title! : article.slug, async (slug) => {
        const next = retitled ? slug : article.slug;
        await db.query(
          `update articles set slug = $2, title = coalesce($3, title), description = coalesce($4, description), body = coalesce($5, body),
             tag_list = coalesce($6, tag_list), updated_at = now() where id = $1`,
          [article.id, next, input.title ?? null, input.description ?? null, input.body ?? null, input.tagList ?? null],
        );
        return next;
      });
      return answer(db, slug, environ);
    }),

    remove: endpoint(async (environ) => {
      const article = await ownArticleOr403(db, environ);
      await db.query('delete from articles where id = $1', [article.id]);
      return empty(200);
    }),

    favorite: endpoint(async (environ) => {
      const article = await articleOr404(db, environ);
      await db.query('insert into favorites (user_id, article_id) values ($1, $2) on conflict do nothing', [viewerOf(environ)!.id, article.id]);
      return answer(db, article.slug, environ);
    }),

    unfavorite: endpoint(async (environ) => {
      const article = await articleOr404(db, environ);
      await db.query('delete from favorites where user_id = $1 and article_id = $2', [viewerOf(environ)!.id, article.id]);
      return answer(db, article.slug, environ);
    }),

    tags: endpoint(async () => {
      const rows = await db.query<{ tag: string }>('select tag from articles, unnest(tag_list) as tag group by tag order by count(*) desc, tag');
      return json({ tags: rows.map((row) => row.tag) });
    }),
  };
}
