import { compose, type Application } from '@tsgi/core';
import { proxyFix } from '@tsgi/proxy-fix';
import { cookieStore, session, sessionOf } from '@tsgi/session';

// Counts a visitor's requests; the count travels in an encrypted cookie.
const counter: Application = (environ, startResponse) => {
  const s = sessionOf(environ);
  const visits = (s.get<number>('visits') ?? 0) + 1;
  s.set('visits', visits);
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [new TextEncoder().encode(`visit number ${visits}\n`)];
};

const keys = [process.env.SESSION_SECRET ?? 'development secret, 32 bytes or more!'];
export const app = compose(proxyFix(), session({ store: cookieStore({ keys }) }))(counter);
