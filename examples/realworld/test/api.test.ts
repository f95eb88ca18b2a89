/**
 * Request tests through testClient (under lint()) for every path of the Conduit
 * OpenAPI document and its errors: 422 with `{"errors":{"body":[...]}}` for input that
 * does not validate (missing fields, wrong types, malformed JSON), 401 with the
 * `Token` challenge for a missing, malformed, expired or forged token, 403 for
 * someone else's article or comment, 404, 405, 413 and 415 in the same shape, and
 * never a 500 (a fast-check property posts arbitrary JSON to every write endpoint).
 */
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { gunzipSync } from 'node:zlib';
import { createArticle, errorsOf, register, startConduit, unique, SECRET, type Conduit } from './setup.js';

jest.setTimeout(30_000);

let conduit: Conduit;
beforeAll(async () => {
  conduit = await startConduit();
}, 60_000);
afterAll(() => conduit?.stop(), 30_000);

const key = new TextEncoder().encode(SECRET);

describe('users and authentication', () => {
  test('POST /api/users registers: 201 with the user and a token that works', async () => {
    const { client } = conduit;
    const username = unique('ann');
    const res = await client.post('/api/users', { json: { user: { username, email: `${username}@Example.org `, password: 'correct horse' } } });
    expect(res.status).toBe(201);
    const { user } = res.json<{ user: Record<string, string> }>();
    expect(user).toEqual({ email: `${username}@Example.org`, token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), username, bio: '', image: '' });
    const me = await client.get('/api/user', { headers: { Authorization: `Token ${user.token}` } });
    expect(me.status).toBe(200);
    expect(me.json<{ user: { username: string; token: string } }>().user).toMatchObject({ username, token: user.token });
  });

  test('POST /api/users: every missing field is named in one 422', async () => {
    const res = await conduit.client.post('/api/users', { json: { user: {} } });
    expect(res.status).toBe(422);
    expect(errorsOf(res)).toEqual(["username can't be blank", "email can't be blank", "password can't be blank"]);
  });

  test('POST /api/users: wrong types and bad values are 422s, not 500s', async () => {
    const res = await conduit.client.post('/api/users', { json: { user: { username: 5, email: 'not-an-email', password: ['x'] } } });
    expect(res.status).toBe(422);
    expect(errorsOf(res)).toEqual(['username must be a string', 'email is invalid', 'password must be a string']);
    const short = await conduit.client.post('/api/users', { json: { user: { username: 'a/b', email: 'a@b.c', password: 'short' } } });
    expect(errorsOf(short)).toEqual(["username may contain only letters, digits, '_', '.' and '-'", 'password is too short (at least 8 characters)']);
  });

  test('POST /api/users: a taken email (any case) or username is a 422', async () => {
    const ann = await register(conduit.client);
    const res = await conduit.client.post('/api/users', { json: { user: { username: ann.username, email: ann.email.toUpperCase(), password: 'whatever123' } } });
    expect(res.status).toBe(422);
    expect(errorsOf(res)).toEqual(['email has already been taken', 'username has already been taken']);
  });

  test.each([
    ['malformed JSON', '{"user":', 'application/json', 422, /^body must be JSON/],
    ['a JSON array', '[1,2]', 'application/json', 422, /^body must be a JSON object/],
    ['no envelope', '{"email":"a@b.c"}', 'application/json', 422, /^user can't be blank$/],
    ['a string envelope', '{"user":"ann"}', 'application/json', 422, /^user must be an object$/],
    ['a form instead of JSON', 'user=ann', 'application/x-www-form-urlencoded', 415, /./],
  ])('POST /api/users with %s: the status in the error shape', async (_name, body, type, status, message) => {
    const res = await conduit.client.post('/api/users', { body, headers: { 'Content-Type': type } });
    expect(res.status).toBe(status);
    expect(errorsOf(res)[0]).toMatch(message);
  });

  test('an oversized body is a 413 in the error shape, refused before it is read', async () => {
    const big = JSON.stringify({ user: { username: 'x', email: 'x@y.z', password: 'p'.repeat(300 * 1024) } });
    const res = await conduit.client.post('/api/users', { body: big, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(errorsOf(res)[0]).toMatch(/limit|large/i);
    // Chunked (no Content-Length): read until it passes the limit, then refused.
    async function* chunks() {
      for (let i = 0; i < 40; i++) yield new TextEncoder().encode(i === 0 ? '{"article":{"body":"' : 'x'.repeat(16 * 1024));
    }
    const ann = await register(conduit.client);
    const streamed = await conduit.client.post('/api/articles', { body: chunks(), headers: { 'Content-Type': 'application/json', ...ann.auth } });
    expect(streamed.status).toBe(413);
  });

  test('POST /api/users/login: 200 with a fresh token; a wrong password or unknown email is 401', async () => {
    const ann = await register(conduit.client);
    const ok = await conduit.client.post('/api/users/login', { json: { user: { email: ann.email.toUpperCase(), password: ann.password } } });
    expect(ok.status).toBe(200);
    expect(ok.json<{ user: { username: string; token: string } }>().user.username).toBe(ann.username);
    for (const user of [{ email: ann.email, password: 'wrong password' }, { email: 'nobody@example.org', password: ann.password }]) {
      const res = await conduit.client.post('/api/users/login', { json: { user } });
      expect(res.status).toBe(401);
      expect(res.header('www-authenticate')).toBe('Token realm="conduit"');
      expect(errorsOf(res)).toEqual(['email or password is invalid']);
    }
    const missing = await conduit.client.post('/api/users/login', { json: { user: { email: ann.email } } });
    expect(missing.status).toBe(422);
    expect(errorsOf(missing)).toEqual(["password can't be blank"]);
  });

  test('GET /api/user: 401 without a token, with a bad, expired, forged or malformed one', async () => {
    const ann = await register(conduit.client);
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('1').setIssuedAt(1000).setExpirationTime(2000).sign(key);
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('1').sign(new TextEncoder().encode('another key of at least 32 characters...'));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"1"}').toString('base64url')}.`;
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /authorization required/],
      [{ Authorization: `Token ${expired}` }, /invalid or expired/],
      [{ Authorization: `Token ${forged}` }, /invalid or expired/],
      [{ Authorization: `Token ${unsigned}` }, /invalid or expired/],
      [{ Authorization: `Token ${ann.token.slice(0, -2)}` }, /invalid or expired/],
      [{ Authorization: 'Token two words' }, /must be 'Token <jwt>'/],
      [{ Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, /must be 'Token <jwt>'/],
    ];
    for (const [headers, message] of cases) {
      const res = await conduit.client.get('/api/user', { headers });
      expect({ headers, status: res.status }).toEqual({ headers, status: 401 });
      expect(res.header('www-authenticate')).toBe('Token realm="conduit"');
      expect(errorsOf(res)[0]).toMatch(message);
    }
  });

  test('PUT /api/user changes what it is given; the new password logs in', async () => {
    const ann = await register(conduit.client);
    const email = `${unique('new')}@example.org`;
    const res = await conduit.client.put('/api/user', {
      headers: ann.auth,
      json: { user: { email, bio: 'I write', image: 'https://example.org/a.png', password: 'a new password' } },
    });
    expect(res.status).toBe(200);
    expect(res.json<{ user: object }>().user).toEqual({ email, token: ann.token, username: ann.username, bio: 'I write', image: 'https://example.org/a.png' });
    const login = await conduit.client.post('/api/users/login', { json: { user: { email, password: 'a new password' } } });
    expect(login.status).toBe(200);
    const cleared = await conduit.client.put('/api/user', { headers: ann.auth, json: { user: { image: null } } });
    expect(cleared.json<{ user: { image: string } }>().user.image).toBe('');
  });

  test('PUT /api/user: nothing to change, wrong types, a taken name: 422; no token: 401', async () => {
    const [ann, bob] = [await register(conduit.client), await register(conduit.client)];
    const empty = await conduit.client.put('/api/user', { headers: ann.auth, json: { user: {} } });
    expect(errorsOf(empty)).toEqual(['give at least one of email, username, password, bio, image']);
    const types = await conduit.client.put('/api/user', { headers: ann.auth, json: { user: { bio: 7, image: 'ftp://x' } } });
    expect(types.status).toBe(422);
    expect(errorsOf(types)).toEqual(['bio must be a string', 'image must be an http(s) URL']);
    const taken = await conduit.client.put('/api/user', { headers: ann.auth, json: { user: { username: bob.username } } });
    expect(taken.status).toBe(422);
    expect(errorsOf(taken)).toEqual(['username has already been taken']);
    expect((await conduit.client.put('/api/user', { json: { user: { bio: 'x' } } })).status).toBe(401);
  });
});

describe('profiles', () => {
  test('GET, follow and unfollow; following is idempotent and seen by the follower only', async () => {
    const [ann, bob] = [await register(conduit.client), await register(conduit.client)];
    const path = `/api/profiles/${bob.username}`;
    const anonymous = await conduit.client.get(path);
    expect(anonymous.status).toBe(200);
    expect(anonymous.json()).toEqual({ profile: { username: bob.username, bio: '', image: '', following: false } });
    for (let i = 0; i < 2; i++) {
      const followed = await conduit.client.post(`${path}/follow`, { headers: ann.auth });
      expect(followed.status).toBe(200);
      expect(followed.json<{ profile: { following: boolean } }>().profile.following).toBe(true);
    }
    expect((await conduit.client.get(path, { headers: ann.auth })).json<{ profile: { following: boolean } }>().profile.following).toBe(true);
    expect((await conduit.client.get(path)).json<{ profile: { following: boolean } }>().profile.following).toBe(false);
    const unfollowed = await conduit.client.delete(`${path}/follow`, { headers: ann.auth });
    expect(unfollowed.status).toBe(200);
    expect(unfollowed.json<{ profile: { following: boolean } }>().profile.following).toBe(false);
  });

  test('an unknown user is 404; following needs a token (401); following yourself is 422', async () => {
    const ann = await register(conduit.client);
    const missing = await conduit.client.get('/api/profiles/nobody-at-all');
    expect(missing.status).toBe(404);
    expect(errorsOf(missing)).toEqual(['no user named "nobody-at-all"']);
    expect((await conduit.client.post('/api/profiles/nobody-at-all/follow', { headers: ann.auth })).status).toBe(404);
    expect((await conduit.client.post(`/api/profiles/${ann.username}/follow`)).status).toBe(401);
    expect((await conduit.client.delete(`/api/profiles/${ann.username}/follow`)).status).toBe(401);
    const self = await conduit.client.post(`/api/profiles/${ann.username}/follow`, { headers: ann.auth });
    expect(self.status).toBe(422);
  });
});

describe('articles', () => {
  test('POST /api/articles: 201 with the article; the same title gets another slug', async () => {
    const ann = await register(conduit.client);
    const title = `How to Train Your Dragon ${unique('')}`;
    const res = await conduit.client.post('/api/articles', {
      headers: ann.auth,
      json: { article: { title, description: 'Ever wonder how?', body: 'You have to believe', tagList: ['dragons', 'training', 'dragons', ' '] } },
    });
    expect(res.status).toBe(201);
    const { article } = res.json<{ article: Record<string, unknown> }>();
    expect(article).toEqual({
      slug: title.toLowerCase().replace(/ /g, '-'),
      title,
      description: 'Ever wonder how?',
      body: 'You have to believe',
      tagList: ['dragons', 'training'],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: article.createdAt,
      favorited: false,
      favoritesCount: 0,
      author: { username: ann.username, bio: '', image: '', following: false },
    });
    const again = await createArticle(conduit.client, ann, { title });
    expect(again.slug).toMatch(new RegExp(`^${article.slug as string}-[0-9a-f]{8}$`));
  });

  test('POST /api/articles: 422 for missing fields and wrong types, 401 without a token', async () => {
    const ann = await register(conduit.client);
    const missing = await conduit.client.post('/api/articles', { headers: ann.auth, json: { article: { title: 'only a title' } } });
    expect(errorsOf(missing)).toEqual(["description can't be blank", "body can't be blank"]);
    const types = await conduit.client.post('/api/articles', { headers: ann.auth, json: { article: { title: 't', description: 'd', body: 'b', tagList: 'dragons' } } });
    expect(types.status).toBe(422);
    expect(errorsOf(types)).toEqual(['tagList must be an array of strings']);
    expect((await conduit.client.post('/api/articles', { json: { article: { title: 't', description: 'd', body: 'b' } } })).status).toBe(401);
  });

  test('GET /api/articles/:slug: anonymous or not; 404 for an unknown slug', async () => {
    const ann = await register(conduit.client);
    const { slug } = await createArticle(conduit.client, ann);
    const res = await conduit.client.get(`/api/articles/${slug}`);
    expect(res.status).toBe(200);
    expect(res.json<{ article: { slug: string } }>().article.slug).toBe(slug);
    const missing = await conduit.client.get('/api/articles/no-such-article');
    expect(missing.status).toBe(404);
    expect(errorsOf(missing)).toEqual(['no article "no-such-article"']);
  });

  test('GET /api/articles: newest first, filters by tag, author and favorited, paginates, counts', async () => {
    const [ann, bob] = [await register(conduit.client), await register(conduit.client)];
    const tag = unique('tag');
    const slugs: string[] = [];
    for (let i = 0; i < 5; i++) slugs.push((await createArticle(conduit.client, ann, { tagList: [tag, `n${i}`] })).slug);
    const byTag = (await conduit.client.get('/api/articles', { query: { tag } })).json<{ articles: Array<{ slug: string }>; articlesCount: number }>();
    expect(byTag.articlesCount).toBe(5);
    expect(byTag.articles.map((a) => a.slug)).toEqual([...slugs].reverse());
    const page = (await conduit.client.get('/api/articles', { query: { tag, limit: '2', offset: '1' } })).json<{ articles: Array<{ slug: string }>; articlesCount: number }>();
    expect(page).toMatchObject({ articlesCount: 5 });
    expect(page.articles.map((a) => a.slug)).toEqual([slugs[3], slugs[2]]);
    const beyond = (await conduit.client.get('/api/articles', { query: { tag, offset: '10' } })).json<{ articles: unknown[]; articlesCount: number }>();
    expect(beyond).toEqual({ articles: [], articlesCount: 5 });
    const byAuthor = (await conduit.client.get('/api/articles', { query: { author: ann.username, limit: '100' } })).json<{ articlesCount: number }>();
    expect(byAuthor.articlesCount).toBe(5);
    await conduit.client.post(`/api/articles/${slugs[1]}/favorite`, { headers: bob.auth });
    const favorited = (await conduit.client.get('/api/articles', { query: { favorited: bob.username }, headers: bob.auth })).json<{
      articles: Array<{ slug: string; favorited: boolean; favoritesCount: number }>;
      articlesCount: number;
    }>();
    expect(favorited).toEqual({ articles: [expect.objectContaining({ slug: slugs[1], favorited: true, favoritesCount: 1 })], articlesCount: 1 });
    expect((await conduit.client.get('/api/articles', { query: { tag: unique('none') } })).json()).toEqual({ articles: [], articlesCount: 0 });
  });

  test.each([['limit', '0'], ['limit', '101'], ['limit', 'ten'], ['offset', '-1'], ['offset', '1.5']])('GET /api/articles?%s=%s is a 422', async (name, value) => {
    const res = await conduit.client.get('/api/articles', { query: { [name]: value } });
    expect(res.status).toBe(422);
    expect(errorsOf(res)[0]).toMatch(new RegExp(`^${name} must be an integer`));
  });

  test('GET /api/articles/feed: articles of followed authors only; 401 without a token', async () => {
    const [ann, bob, cat] = [await register(conduit.client), await register(conduit.client), await register(conduit.client)];
    const fromBob = await createArticle(conduit.client, bob);
    await createArticle(conduit.client, cat);
    const empty = (await conduit.client.get('/api/articles/feed', { headers: ann.auth })).json();
    expect(empty).toEqual({ articles: [], articlesCount: 0 });
    await conduit.client.post(`/api/profiles/${bob.username}/follow`, { headers: ann.auth });
    const feed = (await conduit.client.get('/api/articles/feed', { headers: ann.auth })).json<{ articles: Array<{ slug: string; author: { following: boolean } }>; articlesCount: number }>();
    expect(feed.articlesCount).toBe(1);
    expect(feed.articles[0]).toMatchObject({ slug: fromBob.slug, author: { username: bob.username, following: true } });
    expect((await conduit.client.get('/api/articles/feed')).status).toBe(401);
  });

  test("PUT /api/articles/:slug: the author's change (a new title, a new slug); 403 for others, 404, 422", async () => {
    const [ann, bob] = [await register(conduit.client), await register(conduit.client)];
    const { slug } = await createArticle(conduit.client, ann);
    const title = `Renamed ${unique('')}`;
    const res = await conduit.client.put(`/api/articles/${slug}`, { headers: ann.auth, json: { article: { title, body: 'new body' } } });
    expect(res.status).toBe(200);
    const { article } = res.json<{ article: { slug: string; title: string; body: string; description: string } }>();
    expect(article).toMatchObject({ slug: title.toLowerCase().replace(/ /g, '-'), title, body: 'new body', description: 'about it' });
    expect((await conduit.client.get(`/api/articles/${slug}`)).status).toBe(404);
    const other = await conduit.client.put(`/api/articles/${article.slug}`, { headers: bob.auth, json: { article: { body: 'mine now' } } });
    expect(other.status).toBe(403);
    expect(errorsOf(other)).toEqual(['only the author may change or delete this article']);
    expect((await conduit.client.put('/api/articles/no-such-article', { headers: ann.auth, json: { article: { body: 'x' } } })).status).toBe(404);
    const nothing = await conduit.client.put(`/api/articles/${article.slug}`, { headers: ann.auth, json: { article: {} } });
    expect(nothing.status).toBe(422);
    expect((await conduit.client.put(`/api/articles/${article.slug}`, { json: { article: { body: 'x' } } })).status).toBe(401);
  });

  test("DELETE /api/articles/:slug: 403 for someone else's; the author's goes (200), then 404", async () => {
    const [ann, bob] = [await register(conduit.client), await register(conduit.client)];
    const { slug } = await createArticle(conduit.client, ann);
    expect((await conduit.client.delete(`/api/articles/${slug}`, { headers: bob.auth })).status).toBe(403);
    expect((await conduit.client.delete(`/api/articles/${slug}`)).status).toBe(401);
    const gone = await conduit.client.delete(`/api/articles/${slug}`, { headers: ann.auth });
    expect(gone.status).toBe(200);
    expect(gone.body.byteLength).toBe(0);
    expect((await conduit.client.delete(`/api/articles/${slug}`, { headers: ann.auth })).status).toBe(404);
  });

  test('favorite and unfavorite: favorited and favoritesCount follow; idempotent; 404; 401', async () => {
    const [ann, bob] = [await register(conduit.client), await register(conduit.client)];
    const { slug } = await createArticle(conduit.client, ann);
    for (let i = 0; i < 2; i++) {
      const res = await conduit.client.post(`/api/articles/${slug}/favorite`, { headers: bob.auth });
      expect(res.status).toBe(200);
      expect(res.json<{ article: object }>().article).toMatchObject({ slug, favorited: true, favoritesCount: 1 });
    }
    expect((await conduit.client.get(`/api/articles/${slug}`, { headers: ann.auth })).json<{ article: object }>().article).toMatchObject({ favorited: false, favoritesCount: 1 });
    const un = await conduit.client.delete(`/api/articles/${slug}/favorite`, { headers: bob.auth });
    expect(un.json<{ article: object }>().article).toMatchObject({ favorited: false, favoritesCount: 0 });
    expect((await conduit.client.post('/api/articles/no-such-article/favorite', { headers: bob.auth })).status).toBe(404);
    expect((await conduit.client.post(`/api/articles/${slug}/favorite`)).status).toBe(401);
  });

  test('GET /api/tags: the tags in use, most used first', async () => {
    const ann = await register(conduit.client);
    const [common, rare] = [unique('common'), unique('rare')];
    await createArticle(conduit.client, ann, { tagList: [common, rare] });
    await createArticle(conduit.client, ann, { tagList: [common] });
    const res = await conduit.client.get('/api/tags');
    expect(res.status).toBe(200);
    const { tags } = res.json<{ tags: string[] }>();
    expect(tags.indexOf(common)).toBeGreaterThanOrEqual(0);
    expect(tags.indexOf(common)).toBeLessThan(tags.indexOf(rare));
  });
});

describe('comments', () => {
  test('add (200), list in order with following, delete: 403 for others, 404 for unknown ids', async () => {
    const [ann, bob] = [await register(conduit.client), await register(conduit.client)];
    const { slug } = await createArticle(conduit.client, ann);
    const path = `/api/articles/${slug}/comments`;
    const added = await conduit.client.post(path, { headers: bob.auth, json: { comment: { body: 'First!' } } });
    expect(added.status).toBe(200);
    const { comment } = added.json<{ comment: { id: number } }>();
    expect(comment).toEqual({
      id: expect.any(Number),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      body: 'First!',
      author: { username: bob.username, bio: '', image: '', following: false },
    });
    await conduit.client.post(path, { headers: ann.auth, json: { comment: { body: 'Thanks' } } });
    await conduit.client.post(`/api/profiles/${bob.username}/follow`, { headers: ann.auth });
    const list = (await conduit.client.get(path, { headers: ann.auth })).json<{ comments: Array<{ body: string; author: { following: boolean } }> }>();
    expect(list.comments.map((c) => [c.body, c.author.following])).toEqual([['First!', true], ['Thanks', false]]);
    expect((await conduit.client.get(path)).json<{ comments: unknown[] }>().comments).toHaveLength(2);

    const forbidden = await conduit.client.delete(`${path}/${comment.id}`, { headers: ann.auth });
    expect(forbidden.status).toBe(403);
    expect(errorsOf(forbidden)).toEqual(['only its author may delete this comment']);
    expect((await conduit.client.delete(`${path}/${comment.id}`)).status).toBe(401);
    expect((await conduit.client.delete(`${path}/abc`, { headers: bob.auth })).status).toBe(404);
    expect((await conduit.client.delete(`${path}/99999999999999`, { headers: bob.auth })).status).toBe(404);
    expect((await conduit.client.delete(`/api/articles/no-such-article/comments/${comment.id}`, { headers: bob.auth })).status).toBe(404);
    const deleted = await conduit.client.delete(`${path}/${comment.id}`, { headers: bob.auth });
    expect(deleted.status).toBe(200);
    expect((await conduit.client.delete(`${path}/${comment.id}`, { headers: bob.auth })).status).toBe(404);
    expect((await conduit.client.get(path)).json<{ comments: unknown[] }>().comments).toHaveLength(1);
  });

  test('a comment needs a body (422), a token (401) and an article (404)', async () => {
    const ann = await register(conduit.client);
    const { slug } = await createArticle(conduit.client, ann);
    const blank = await conduit.client.post(`/api/articles/${slug}/comments`, { headers: ann.auth, json: { comment: { body: '  ' } } });
    expect(errorsOf(blank)).toEqual(["body can't be blank"]);
    expect((await conduit.client.post(`/api/articles/${slug}/comments`, { json: { comment: { body: 'x' } } })).status).toBe(401);
    expect((await conduit.client.post('/api/articles/nope/comments', { headers: ann.auth, json: { comment: { body: 'x' } } })).status).toBe(404);
    expect((await conduit.client.get('/api/articles/nope/comments')).status).toBe(404);
  });
});

describe('the stack around the routes', () => {
  test('an unknown path is 404 and a wrong method 405 with Allow, both in the error shape', async () => {
    const missing = await conduit.client.get('/api/nothing-here');
    expect(missing.status).toBe(404);
    errorsOf(missing);
    expect((await conduit.client.get('/elsewhere')).status).toBe(404);
    const wrong = await conduit.client.request('PATCH', '/api/user');
    expect(wrong.status).toBe(405);
    expect(wrong.header('allow')).toMatch(/GET/);
    errorsOf(wrong);
  });

  test('CORS: a preflight from any origin is answered; responses carry Access-Control-Allow-Origin', async () => {
    const preflight = await conduit.client.options('/api/articles', {
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.header('access-control-allow-origin')).toBe('*');
    expect(preflight.header('access-control-allow-headers')?.toLowerCase()).toBe('authorization, content-type');
    const error = await conduit.client.get('/api/user', { headers: { Origin: 'https://app.example' } });
    expect(error.header('access-control-allow-origin')).toBe('*');
  });

  test('gzip: a list is compressed for a client that asks', async () => {
    const ann = await register(conduit.client);
    const tag = unique('zip');
    for (let i = 0; i < 3; i++) await createArticle(conduit.client, ann, { tagList: [tag], body: 'lorem ipsum '.repeat(100) });
    const res = await conduit.client.get('/api/articles', { query: { tag }, headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.header('content-encoding')).toBe('gzip');
    expect(JSON.parse(gunzipSync(res.body).toString()).articlesCount).toBe(3);
  });

  test('the access log has a line per request, with the status', async () => {
    await conduit.client.get('/api/tags?logged=1');
    // The logger batches lines for a few milliseconds before it writes them.
    for (let i = 0; i < 100 && !conduit.log.join('').includes('logged=1'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(conduit.log.join('')).toMatch(/"GET \/api\/tags\?logged=1 HTTP\/1.1" 200 \d+ /);
    expect(conduit.log.join('')).toMatch(/"GET \/api\/user HTTP\/1.1" 401 /);
  });

  test('never a 500: arbitrary JSON to every write endpoint gets 2xx, 401, 403, 404 or 422', async () => {
    const ann = await register(conduit.client);
    const { slug } = await createArticle(conduit.client, ann);
    const targets: Array<[string, string, string]> = [
      ['POST', '/api/users', 'user'],
      ['POST', '/api/users/login', 'user'],
      ['PUT', '/api/user', 'user'],
      ['POST', '/api/articles', 'article'],
      ['PUT', `/api/articles/${slug}`, 'article'],
      ['POST', `/api/articles/${slug}/comments`, 'comment'],
    ];
    const value = fc.jsonValue({ maxDepth: 3 });
    const body = fc.oneof(value, fc.record({ envelope: fc.dictionary(fc.constantFrom('username', 'email', 'password', 'bio', 'image', 'title', 'description', 'body', 'tagList'), value) }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), body, async ([method, path, key], sent) => {
        const json = typeof sent === 'object' && sent !== null && 'envelope' in sent ? { [key]: (sent as { envelope: unknown }).envelope } : sent;
        const res = await conduit.client.request(method, path, { headers: { ...ann.auth, 'Content-Type': 'application/json' }, body: JSON.stringify(json) });
        expect([200, 201, 401, 403, 404, 422]).toContain(res.status);
        if (res.status >= 400) errorsOf(res);
      }),
      { numRuns: 60 },
    );
  });
});
