/**
 * The Conduit API as one tsgi Application: the routes of the RealWorld OpenAPI
 * document under `/api`, each endpoint wrapped in the auth it needs, and the stack
 * every request goes through, outermost first:
 *
 * 1. `accessLog()`: one combined-format line per request (to `wsgi.errors` unless
 *    `log` is given), with the final status, 401s and 500s included;
 * 2. `cors()`: any origin may call the API (tokens travel in a header, not a cookie,
 *    so there are no credentials to protect with an origin list);
 * 3. `gzip()`: JSON lists compress about 5x;
 * 4. `conduitErrors()`: every error thrown below, as `{"errors":{"body":[...]}}`;
 * 5. `urlMap` + `router`: `/api` then the method and path.
 *
 * @example
 * const app = conduit({ db, tokens }); // see server.ts for the one the CLI serves
 * @see https://github.com/gothinkster/realworld/blob/main/api/openapi.yml
 * @module
 */
import { compose, type Application } from '@tsgi/core';
import { cors } from '@tsgi/cors';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { router, urlMap } from '@tsgi/router';
import { articleHandlers } from './articles.js';
import { optionalUser, requireUser } from './auth.js';
import { commentHandlers } from './comments.js';
import { conduitErrors } from './errors.js';
import type { Deps } from './handler.js';
import { profileHandlers } from './profiles.js';
import { userHandlers } from './users.js';

export interface ConduitOptions extends Deps {
  /** Where access log lines go. @default the request's `wsgi.errors` */
  log?: { write(text: string): unknown };
}

export function conduit(options: ConduitOptions): Application {
  const users = userHandlers(options);
  const profiles = profileHandlers(options);
  const articles = articleHandlers(options);
  const comments = commentHandlers(options);
  const must = requireUser(options.tokens);
  const may = optionalUser(options.tokens);

  const api = router({ throwHttpErrors: true })
    .post('/users', users.register)
    .post('/users/login', users.login)
    .get('/user', must(users.current))
    .put('/user', must(users.update))
    .get('/profiles/:username', may(profiles.show))
    .post('/profiles/:username/follow', must(profiles.follow))
    .delete('/profiles/:username/follow', must(profiles.unfollow))
    .get('/articles', may(articles.list))
    .post('/articles', must(articles.create))
    .get('/articles/feed', must(articles.feed))
    .get('/articles/:slug', may(articles.show))
    .put('/articles/:slug', must(articles.update))
    .delete('/articles/:slug', must(articles.remove))
    .get('/articles/:slug/comments', may(comments.list))
    .post('/articles/:slug/comments', must(comments.create))
    .delete('/articles/:slug/comments/:id(\\d+)', must(comments.remove))
    .post('/articles/:slug/favorite', must(articles.favorite))
    .delete('/articles/:slug/favorite', must(articles.unfavorite))
    .get('/tags', articles.tags);

  return compose(
    accessLog(options.log === undefined ? {} : { stream: options.log }),
    cors({ origin: '*', allowHeaders: ['Authorization', 'Content-Type'], exposeHeaders: [], maxAge: 600 }),
    gzip(),
    conduitErrors(),
  )(urlMap({ '/api': api }, { throwHttpErrors: true }));
}
