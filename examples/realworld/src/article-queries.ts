/**
 * The SQL that reads articles as the API shows them: one row per article with its
 * author's profile, `favorited` and `following` for the viewer, and the favorite
 * count, in one query (no query per article). Filters (`tag`, `author`,
 * `favorited`, the feed's "people I follow") are parameterised `where` clauses.
 *
 * @example
 * const { articles, articlesCount } = await listArticles(db, viewerId, { tag: 'dragons' }, { limit: 20, offset: 0 });
 * @see https://github.com/gothinkster/realworld/blob/main/api/openapi.yml (Article, MultipleArticlesResponse)
 * @module
 */
import type { Database } from './db/database.js';
import type { Profile } from './profiles.js';

export interface Article {
  slug: string;
  title: string;
  description: string;
  body: string;
  tagList: string[];
  createdAt: string;
  updatedAt: string;
  favorited: boolean;
  favoritesCount: number;
  author: Profile;
}

interface ArticleRow {
  id: number;
  author_id: number;
  slug: string;
  title: string;
  description: string;
  body: string;
  tag_list: string[];
  created_at: Date | string;
  updated_at: Date | string;
  favorited: boolean;
  favorites_count: number;
  username: string;
  bio: string;
  image: string;
  following: boolean;
}

// $1 is always the viewer's id (null when anonymous).
const SELECT = `select a.id, a.author_id, a.slug, a.title, a.description, a.body, a.tag_list, a.created_at, a.updated_at,
    u.username, u.bio, u.image,
    exists (select 1 from favorites f where f.article_id = a.id and f.user_id = $1::integer) as favorited,
    (select count(*)::integer from favorites f where f.article_id = a.id) as favorites_count,
    exists (select 1 from follows x where x.follower_id = $1::integer and x.followee_id = a.author_id) as following
  from articles a join users u on u.id = a.author_id`;

function toArticle(row: ArticleRow): Article & { id: number; authorId: number } {
  return {
    id: row.id,
    authorId: row.author_id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    body: row.body,
    tagList: row.tag_list,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    favorited: row.favorited,
    favoritesCount: row.favorites_count,
    author: { username: row.username, bio: row.bio, image: row.image, following: row.following },
  };
}

/** The API's view of an article: without the ids the handlers use. */
export function publicArticle({ id: _id, authorId: _authorId, ...article }: Article & { id: number; authorId: number }): Article {
  return article;
}

export async function findArticle(db: Pick<Database, 'query'>, slug: string, viewerId: number | undefined) {
  const [row] = await db.query<ArticleRow>(`${SELECT} where a.slug = $2`, [viewerId ?? null, slug]);
  return row === undefined ? undefined : toArticle(row);
}

export interface ArticleFilter {
  tag?: string | undefined;
  author?: string | undefined;
  favorited?: string | undefined;
  /** Only authors this user follows (the feed). */
  followedBy?: number | undefined;
}

/** `where` clauses and their params, numbered from `$first`. */
function whereOf(filter: ArticleFilter, first: number): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const next = (value: unknown): string => `$${first + params.push(value) - 1}`;
  if (filter.tag !== undefined) clauses.push(`${next(filter.tag)} = any (a.tag_list)`);
  if (filter.author !== undefined) clauses.push(`u.username = ${next(filter.author)}`);
  if (filter.favorited !== undefined) {
    clauses.push(`exists (select 1 from favorites ff join users fu on fu.id = ff.user_id where ff.article_id = a.id and fu.username = ${next(filter.favorited)})`);
  }
  if (filter.followedBy !== undefined) clauses.push(`a.author_id in (select followee_id from follows where follower_id = ${next(filter.followedBy)})`);
  return { sql: clauses.length === 0 ? '' : ` where ${clauses.join(' and ')}`, params };
}

/** A page of articles, newest first, and how many match in all. */
export async function listArticles(db: Database, viewerId: number | undefined, filter: ArticleFilter, page: { limit: number; offset: number }) {
  const pageWhere = whereOf(filter, 2);
  const countWhere = whereOf(filter, 1);
  const n = pageWhere.params.length;
  const [rows, counted] = await Promise.all([
    db.query<ArticleRow>(`${SELECT}${pageWhere.sql} order by a.created_at desc, a.id desc limit $${n + 2} offset $${n + 3}`, [viewerId ?? null, ...pageWhere.params, page.limit, page.offset]),
    db.query<{ n: number }>(`select count(*)::integer as n from articles a join users u on u.id = a.author_id${countWhere.sql}`, countWhere.params),
  ]);
  return { articles: rows.map((row) => publicArticle(toArticle(row))), articlesCount: counted[0]!.n };
}
