import { compose, type Application } from '@tsgi/core';
import { httpErrors } from '@tsgi/errors';
import { json, redirect, request } from '@tsgi/request';
import { router } from '@tsgi/router';

const createUser: Application = async (environ, startResponse) => {
  const req = request(environ); // cached in environ['tsgi.request']: every layer shares it
  const { name } = await req.json<{ name: string }>(); // 415, 400 or 413 as an HttpError
  const created = json({ id: 7, name, from: req.ip }, { status: 201, headers: { Location: '/users/7' } });
  return created.setCookie('last', name, { httpOnly: true, sameSite: 'lax' })(environ, startResponse);
};

export const app = compose(httpErrors())(
  router().post('/users', createUser).get('/health', json({ ok: true })).get('/', redirect('/health')),
);
