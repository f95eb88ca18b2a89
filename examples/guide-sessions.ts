import { compose, type Application } from '@tsgi/core';
import { csrf, CSRF_TOKEN_KEY } from '@tsgi/csrf';
import { httpErrors } from '@tsgi/errors';
import { proxyFix } from '@tsgi/proxy-fix';
import { html, redirect, request } from '@tsgi/request';
import { router } from '@tsgi/router';
import { serve } from '@tsgi/server';
import { cookieStore, session, sessionOf } from '@tsgi/session';

// Secrets come from the environment in production: 32+ random bytes each (openssl rand -base64 32).
const SESSION_SECRET = process.env.SESSION_SECRET ?? 'development session secret, 32 bytes or more';
const CSRF_SECRET = process.env.CSRF_SECRET ?? 'development csrf secret, also 32 bytes or more';

// A stand-in for your user table: keep password hashes (argon2id, scrypt), never passwords.
const users = new Map([['alice', 'correct horse battery staple']]);

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A form that posts to `action` with the request's CSRF token. */
function form(environ: Parameters<Application>[0], action: string, fields: string, button: string): string {
  const token = escape(String(environ[CSRF_TOKEN_KEY]));
  return `<form method="post" action="${action}"><input type="hidden" name="_csrf" value="${token}">${fields}<button>${button}</button></form>`;
}

// GET /: who is logged in, and the messages the last request left.
const home: Application = (environ, startResponse) => {
  const s = sessionOf(environ);
  const user = s.get<string>('user');
  const notices = s.flashes<string>('notice').map((n) => `<p class="notice">${escape(n)}</p>`).join('');
  const body = user === undefined ? '<a href="/login">Log in</a>' : `<p>Hello, ${escape(user)}</p>${form(environ, '/logout', '', 'Log out')}`;
  return html(`${notices}${body}\n`)(environ, startResponse);
};

// GET /login: the form, with the error of a failed attempt.
const loginForm: Application = (environ, startResponse) => {
  const errors = sessionOf(environ).flashes<string>('error').map((e) => `<p class="error">${escape(e)}</p>`).join('');
  const fields = '<input name="user" autocomplete="username"><input name="password" type="password" autocomplete="current-password">';
  return html(`${errors}${form(environ, '/login', fields, 'Log in')}\n`)(environ, startResponse);
};

// POST /login: check the form; on success a NEW session id (regenerate) holding the user.
const login: Application = async (environ, startResponse) => {
  const fields = await request(environ).form();
  const user = fields.get('user') ?? '';
  const s = sessionOf(environ);
  if (users.get(user) !== fields.get('password')) {
    s.flash('error', 'Wrong user name or password.');
    return redirect('/login', 303)(environ, startResponse);
  }
  // The id the visitor had before (perhaps planted by someone else) dies here: no fixation.
  s.regenerate();
  s.set('user', user);
  s.flash('notice', `Welcome back, ${user}.`);
  return redirect('/', 303)(environ, startResponse);
};

// POST /logout: the session ends on the client and (with a server-side store) on the server.
const logout: Application = (environ, startResponse) => {
  sessionOf(environ).destroy();
  return redirect('/login', 303)(environ, startResponse);
};

export const site = compose(
  proxyFix(), // behind a TLS proxy: Secure cookies and the request's own origin
  httpErrors(), // a 503 from a failing session store, a 413 from an over-long form
  session({ store: cookieStore({ keys: [SESSION_SECRET] }), maxAge: 8 * 3600 * 1000, throwHttpErrors: true }),
  csrf({ token: { keys: [CSRF_SECRET] } }),
)(router().get('/', home).get('/login', loginForm).post('/login', login).post('/logout', logout));

if (process.argv[1]?.endsWith('guide-sessions.ts')) {
  void serve(site, { port: 8000 }).then(({ url }) => console.log(`listening on ${url}`));
}
