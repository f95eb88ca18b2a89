/**
 * The GitHub REST API (v3) route set: the shape every router benchmark uses since
 * julienschmidt/go-http-routing-benchmark, written out here from the public API
 * documentation, plus a few newer endpoints. Patterns in tsgi syntax: `:name` params,
 * `*name` trailing wildcard.
 */
export type RouteDef = readonly [method: string, pattern: string];

const G = 'GET', P = 'POST', U = 'PUT', A = 'PATCH', D = 'DELETE';

export const githubRoutes: readonly RouteDef[] = [
  // OAuth authorizations
  [G, '/authorizations'], [G, '/authorizations/:id'], [P, '/authorizations'],
  [U, '/authorizations/clients/:client_id'], [A, '/authorizations/:id'], [D, '/authorizations/:id'],
  [G, '/applications/:client_id/tokens/:access_token'], [D, '/applications/:client_id/tokens'],
  [D, '/applications/:client_id/tokens/:access_token'],
  // Activity
  [G, '/events'], [G, '/repos/:owner/:repo/events'], [G, '/networks/:owner/:repo/events'],
  [G, '/orgs/:org/events'], [G, '/users/:user/received_events'], [G, '/users/:user/received_events/public'],
  [G, '/users/:user/events'], [G, '/users/:user/events/public'], [G, '/users/:user/events/orgs/:org'],
  [G, '/feeds'], [G, '/notifications'], [G, '/repos/:owner/:repo/notifications'], [U, '/notifications'],
  [U, '/repos/:owner/:repo/notifications'], [G, '/notifications/threads/:id'], [A, '/notifications/threads/:id'],
  [G, '/notifications/threads/:id/subscription'], [U, '/notifications/threads/:id/subscription'],
  [D, '/notifications/threads/:id/subscription'], [G, '/repos/:owner/:repo/stargazers'],
  [G, '/users/:user/starred'], [G, '/user/starred'], [G, '/user/starred/:owner/:repo'],
  [U, '/user/starred/:owner/:repo'], [D, '/user/starred/:owner/:repo'], [G, '/repos/:owner/:repo/subscribers'],
  [G, '/users/:user/subscriptions'], [G, '/user/subscriptions'], [G, '/repos/:owner/:repo/subscription'],
  [U, '/repos/:owner/:repo/subscription'], [D, '/repos/:owner/:repo/subscription'],
  [G, '/user/subscriptions/:owner/:repo'], [U, '/user/subscriptions/:owner/:repo'],
  [D, '/user/subscriptions/:owner/:repo'],
  // Gists
  [G, '/users/:user/gists'], [G, '/gists'], [G, '/gists/public'], [G, '/gists/starred'], [G, '/gists/:id'],
  [P, '/gists'], [A, '/gists/:id'], [U, '/gists/:id/star'], [D, '/gists/:id/star'], [G, '/gists/:id/star'],
  [P, '/gists/:id/forks'], [D, '/gists/:id'], [G, '/gists/:id/commits'], [G, '/gists/:id/forks'],
  [G, '/gists/:id/:sha'], [G, '/gists/:gist_id/comments'], [G, '/gists/:gist_id/comments/:id'],
  [P, '/gists/:gist_id/comments'], [A, '/gists/:gist_id/comments/:id'], [D, '/gists/:gist_id/comments/:id'],
  // Git data
  [G, '/repos/:owner/:repo/git/blobs/:sha'], [P, '/repos/:owner/:repo/git/blobs'],
  [G, '/repos/:owner/:repo/git/commits/:sha'], [P, '/repos/:owner/:repo/git/commits'],
  [G, '/repos/:owner/:repo/git/refs/*ref'], [G, '/repos/:owner/:repo/git/refs'], [P, '/repos/:owner/:repo/git/refs'],
  [A, '/repos/:owner/:repo/git/refs/*ref'], [D, '/repos/:owner/:repo/git/refs/*ref'],
  [G, '/repos/:owner/:repo/git/tags/:sha'], [P, '/repos/:owner/:repo/git/tags'],
  [G, '/repos/:owner/:repo/git/trees/:sha'], [P, '/repos/:owner/:repo/git/trees'],
  // Issues
  [G, '/issues'], [G, '/user/issues'], [G, '/orgs/:org/issues'], [G, '/repos/:owner/:repo/issues'],
  [G, '/repos/:owner/:repo/issues/:number'], [P, '/repos/:owner/:repo/issues'],
  [A, '/repos/:owner/:repo/issues/:number'], [G, '/repos/:owner/:repo/assignees'],
  [G, '/repos/:owner/:repo/assignees/:assignee'], [G, '/repos/:owner/:repo/issues/:number/comments'],
  [G, '/repos/:owner/:repo/issues/comments'], [G, '/repos/:owner/:repo/issues/comments/:id'],
  [P, '/repos/:owner/:repo/issues/:number/comments'], [A, '/repos/:owner/:repo/issues/comments/:id'],
  [D, '/repos/:owner/:repo/issues/comments/:id'], [G, '/repos/:owner/:repo/issues/:number/events'],
  [G, '/repos/:owner/:repo/issues/events'], [G, '/repos/:owner/:repo/issues/events/:id'],
  [G, '/repos/:owner/:repo/labels'], [G, '/repos/:owner/:repo/labels/:name'], [P, '/repos/:owner/:repo/labels'],
  [A, '/repos/:owner/:repo/labels/:name'], [D, '/repos/:owner/:repo/labels/:name'],
  [G, '/repos/:owner/:repo/issues/:number/labels'], [P, '/repos/:owner/:repo/issues/:number/labels'],
  [D, '/repos/:owner/:repo/issues/:number/labels/:name'], [U, '/repos/:owner/:repo/issues/:number/labels'],
  [D, '/repos/:owner/:repo/issues/:number/labels'], [G, '/repos/:owner/:repo/milestones/:number/labels'],
  [G, '/repos/:owner/:repo/milestones'], [G, '/repos/:owner/:repo/milestones/:number'],
  [P, '/repos/:owner/:repo/milestones'], [A, '/repos/:owner/:repo/milestones/:number'],
  [D, '/repos/:owner/:repo/milestones/:number'], [U, '/repos/:owner/:repo/issues/:number/lock'],
  [D, '/repos/:owner/:repo/issues/:number/lock'],
  // Miscellaneous
  [G, '/emojis'], [G, '/gitignore/templates'], [G, '/gitignore/templates/:name'], [P, '/markdown'],
  [P, '/markdown/raw'], [G, '/meta'], [G, '/rate_limit'], [G, '/licenses'], [G, '/licenses/:license'],
  [G, '/octocat'], [G, '/zen'], [G, '/versions'],
  // Organizations
  [G, '/users/:user/orgs'], [G, '/user/orgs'], [G, '/orgs/:org'], [A, '/orgs/:org'], [G, '/orgs/:org/members'],
  [G, '/orgs/:org/members/:user'], [D, '/orgs/:org/members/:user'], [G, '/orgs/:org/public_members'],
  [G, '/orgs/:org/public_members/:user'], [U, '/orgs/:org/public_members/:user'],
  [D, '/orgs/:org/public_members/:user'], [G, '/orgs/:org/teams'], [G, '/teams/:id'], [P, '/orgs/:org/teams'],
  [A, '/teams/:id'], [D, '/teams/:id'], [G, '/teams/:id/members'], [G, '/teams/:id/members/:user'],
  [U, '/teams/:id/members/:user'], [D, '/teams/:id/members/:user'], [G, '/teams/:id/repos'],
  [G, '/teams/:id/repos/:owner/:repo'], [U, '/teams/:id/repos/:owner/:repo'], [D, '/teams/:id/repos/:owner/:repo'],
  [G, '/user/teams'], [G, '/organizations'], [G, '/orgs/:org/hooks'], [G, '/orgs/:org/hooks/:id'],
  [P, '/orgs/:org/hooks'], [A, '/orgs/:org/hooks/:id'], [D, '/orgs/:org/hooks/:id'],
  // Pull requests
  [G, '/repos/:owner/:repo/pulls'], [G, '/repos/:owner/:repo/pulls/:number'], [P, '/repos/:owner/:repo/pulls'],
  [A, '/repos/:owner/:repo/pulls/:number'], [G, '/repos/:owner/:repo/pulls/:number/commits'],
  [G, '/repos/:owner/:repo/pulls/:number/files'], [G, '/repos/:owner/:repo/pulls/:number/merge'],
  [U, '/repos/:owner/:repo/pulls/:number/merge'], [G, '/repos/:owner/:repo/pulls/:number/comments'],
  [G, '/repos/:owner/:repo/pulls/comments'], [G, '/repos/:owner/:repo/pulls/comments/:number'],
  [U, '/repos/:owner/:repo/pulls/:number/comments'], [A, '/repos/:owner/:repo/pulls/comments/:number'],
  [D, '/repos/:owner/:repo/pulls/comments/:number'], [G, '/repos/:owner/:repo/pulls/:number/reviews'],
  [P, '/repos/:owner/:repo/pulls/:number/reviews'], [G, '/repos/:owner/:repo/pulls/:number/reviews/:review_id'],
  // Repositories
  [G, '/user/repos'], [G, '/users/:user/repos'], [G, '/orgs/:org/repos'], [G, '/repositories'],
  [P, '/user/repos'], [P, '/orgs/:org/repos'], [G, '/repos/:owner/:repo'], [A, '/repos/:owner/:repo'],
  [G, '/repos/:owner/:repo/contributors'], [G, '/repos/:owner/:repo/languages'], [G, '/repos/:owner/:repo/teams'],
  [G, '/repos/:owner/:repo/tags'], [G, '/repos/:owner/:repo/branches'], [G, '/repos/:owner/:repo/branches/:branch'],
  [D, '/repos/:owner/:repo'], [G, '/repos/:owner/:repo/collaborators'], [G, '/repos/:owner/:repo/collaborators/:user'],
  [U, '/repos/:owner/:repo/collaborators/:user'], [D, '/repos/:owner/:repo/collaborators/:user'],
  [G, '/repos/:owner/:repo/comments'], [G, '/repos/:owner/:repo/commits/:sha/comments'],
  [P, '/repos/:owner/:repo/commits/:sha/comments'], [G, '/repos/:owner/:repo/comments/:id'],
  [A, '/repos/:owner/:repo/comments/:id'], [D, '/repos/:owner/:repo/comments/:id'],
  [G, '/repos/:owner/:repo/commits'], [G, '/repos/:owner/:repo/commits/:sha'], [G, '/repos/:owner/:repo/readme'],
  [G, '/repos/:owner/:repo/contents/*path'], [U, '/repos/:owner/:repo/contents/*path'],
  [D, '/repos/:owner/:repo/contents/*path'], [G, '/repos/:owner/:repo/:archive_format/:ref'],
  [G, '/repos/:owner/:repo/keys'], [G, '/repos/:owner/:repo/keys/:id'], [P, '/repos/:owner/:repo/keys'],
  [A, '/repos/:owner/:repo/keys/:id'], [D, '/repos/:owner/:repo/keys/:id'], [G, '/repos/:owner/:repo/downloads'],
  [G, '/repos/:owner/:repo/downloads/:id'], [D, '/repos/:owner/:repo/downloads/:id'],
  [G, '/repos/:owner/:repo/forks'], [P, '/repos/:owner/:repo/forks'], [G, '/repos/:owner/:repo/hooks'],
  [G, '/repos/:owner/:repo/hooks/:id'], [P, '/repos/:owner/:repo/hooks'], [A, '/repos/:owner/:repo/hooks/:id'],
  [P, '/repos/:owner/:repo/hooks/:id/tests'], [D, '/repos/:owner/:repo/hooks/:id'], [P, '/repos/:owner/:repo/merges'],
  [G, '/repos/:owner/:repo/releases'], [G, '/repos/:owner/:repo/releases/:id'], [P, '/repos/:owner/:repo/releases'],
  [A, '/repos/:owner/:repo/releases/:id'], [D, '/repos/:owner/:repo/releases/:id'],
  [G, '/repos/:owner/:repo/releases/:id/assets'], [G, '/repos/:owner/:repo/stats/contributors'],
  [G, '/repos/:owner/:repo/stats/commit_activity'], [G, '/repos/:owner/:repo/stats/code_frequency'],
  [G, '/repos/:owner/:repo/stats/participation'], [G, '/repos/:owner/:repo/stats/punch_card'],
  [G, '/repos/:owner/:repo/statuses/:ref'], [P, '/repos/:owner/:repo/statuses/:ref'],
  // Search
  [G, '/search/repositories'], [G, '/search/code'], [G, '/search/issues'], [G, '/search/users'],
  [G, '/legacy/issues/search/:owner/:repository/:state/:keyword'], [G, '/legacy/repos/search/:keyword'],
  [G, '/legacy/user/search/:keyword'], [G, '/legacy/user/email/:email'],
  // Users
  [G, '/users/:user'], [G, '/user'], [A, '/user'], [G, '/users'], [G, '/user/emails'], [P, '/user/emails'],
  [D, '/user/emails'], [G, '/users/:user/followers'], [G, '/user/followers'], [G, '/users/:user/following'],
  [G, '/user/following'], [G, '/user/following/:user'], [G, '/users/:user/following/:target_user'],
  [U, '/user/following/:user'], [D, '/user/following/:user'], [G, '/users/:user/keys'], [G, '/user/keys'],
  [G, '/user/keys/:id'], [P, '/user/keys'], [A, '/user/keys/:id'], [D, '/user/keys/:id'],
];

/** Concrete requests: every route once, with its params filled in. */
export function requestsFor(routes: readonly RouteDef[]): Array<[method: string, path: string]> {
  return routes.map(([method, pattern]) => [
    method,
    pattern.replace(/:(\w+)/g, (_, name: string) => `${name}1`).replace(/\*\w*$/, 'heads/main'),
  ]);
}
