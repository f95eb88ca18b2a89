import fc from 'fast-check';
import { HttpError, type Environ } from '@tsgi/core';
import { errorHeaders, renderProblem, toProblem } from './problem.js';

const environ = { SCRIPT_NAME: '/api', PATH_INFO: '/users/ä 7' } as unknown as Environ;

test('a 4xx shows its message; a 5xx and a plain Error show nothing of theirs', () => {
  expect(toProblem(new HttpError(404, 'no user 7'), environ)).toEqual({
    type: 'about:blank', title: 'Not Found', status: 404, detail: 'no user 7', instance: '/api/users/%E4%207',
  });
  expect(toProblem(new HttpError(502, 'upstream 10.0.0.3 refused'), environ).detail).toBeUndefined();
  const plain = toProblem(new Error('secret'), environ);
  expect([plain.status, plain.title, plain.detail]).toEqual([500, 'Internal Server Error', undefined]);
  expect(toProblem(new HttpError(400, 'bad', { expose: false }), environ).detail).toBeUndefined();
  // A message that only repeats the title adds nothing.
  expect(toProblem(new HttpError(403), environ).detail).toBeUndefined();
  // http-errors' shape: status and expose on a plain error.
  expect(toProblem(Object.assign(new Error('gone for good'), { status: 410, expose: true }), environ).detail).toBe('gone for good');
});

test('headers come from core\'s HttpError only; the body\'s own headers are left out', () => {
  expect(errorHeaders(new HttpError(405, undefined, { headers: [['Allow', 'GET'], ['Content-Type', 'x/y']] }))).toEqual([['Allow', 'GET']]);
  // A subclass that keeps an object.
  const objectHeaders = Object.assign(new HttpError(429), { headers: { 'Retry-After': 30, 'content-length': '9' } });
  expect(errorHeaders(objectHeaders)).toEqual([['Retry-After', '30']]);
  // Anyone else's `headers` are an upstream's (Set-Cookie, Location): never copied.
  expect(errorHeaders(Object.assign(new Error(), { status: 429, headers: { 'Retry-After': 30, 'Set-Cookie': 'up=1' } }))).toEqual([]);
  expect(errorHeaders({ status: 401, headers: [['Set-Cookie', 'up=1']] })).toEqual([]);
  expect(errorHeaders(new Error())).toEqual([]);
});

test('property: an error that is not an HttpError shows no message at 5xx, and at 4xx only with expose: true', () => {
  fc.assert(
    fc.property(fc.integer({ min: 400, max: 599 }), fc.option(fc.boolean(), { nil: undefined }), (status, expose) => {
      const problem = toProblem(Object.assign(new Error('SECRET-detail'), { status, expose }), environ);
      expect(problem.status).toBe(status);
      expect(problem.detail).toBe(status < 500 && expose === true ? 'SECRET-detail' : undefined);
      // core's HttpError says for itself: its expose, by default below 500.
      const own = toProblem(new HttpError(status, 'own-detail', expose === undefined ? {} : { expose }), environ);
      expect(own.detail).toBe((expose ?? status < 500) ? 'own-detail' : undefined);
    }),
  );
});

test('each form; HTML escapes the detail', () => {
  const problem = toProblem(new HttpError(422, '<b>name</b> is "required"'), environ);
  expect(renderProblem(problem, 'text/plain')).toEqual({ contentType: 'text/plain; charset=utf-8', body: '422 Unprocessable Content\n<b>name</b> is "required"\n' });
  expect(JSON.parse(renderProblem(problem, 'application/problem+json').body as string)).toEqual(problem);
  expect(renderProblem(problem, 'application/json').contentType).toBe('application/json');
  const html = renderProblem(problem, 'text/html');
  expect(html.contentType).toBe('text/html; charset=utf-8');
  expect(html.body).toContain('<p>&lt;b&gt;name&lt;/b&gt; is &quot;required&quot;</p>');
  expect(html.body).not.toContain('<b>');
});
