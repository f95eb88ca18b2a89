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

test('headers come from core\'s pairs or an object; the body\'s own headers are left out', () => {
  expect(errorHeaders(new HttpError(405, undefined, { headers: [['Allow', 'GET'], ['Content-Type', 'x/y']] }))).toEqual([['Allow', 'GET']]);
  expect(errorHeaders(Object.assign(new Error(), { status: 429, headers: { 'Retry-After': 30, 'content-length': '9' } }))).toEqual([['Retry-After', '30']]);
  expect(errorHeaders(new Error())).toEqual([]);
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
