import { compose, type Application, type Middleware } from '@tsgi/core';

const tag =
  (name: string): Middleware =>
  (app) =>
  (environ, startResponse) => {
    (environ.trail as string[]).push(name);
    return app(environ, startResponse);
  };

test('compose(a, b)(app) is a(b(app)): the first listed sees the request first', async () => {
  const app: Application = (environ, startResponse) => {
    (environ.trail as string[]).push('app');
    startResponse('200 OK', []);
    return [];
  };
  const environ = { trail: [] as string[] } as never;
  await compose(tag('a'), tag('b'), tag('c'))(app)(environ, () => () => {});
  expect((environ as { trail: string[] }).trail).toEqual(['a', 'b', 'c', 'app']);
});

test('compose() with nothing returns the app itself', () => {
  const app: Application = () => [];
  expect(compose()(app)).toBe(app);
});

test('compose rejects a non-function with a message naming its position', () => {
  expect(() => compose(tag('a'), 42 as never)).toThrow(/argument 1 is number/);
  expect(() => compose(tag('a'))(null as never)).toThrow(TypeError);
});

test('compose rejects a middleware that does not return an Application', () => {
  const broken = (() => undefined) as unknown as Middleware;
  expect(() => compose(broken)(() => [])).toThrow(/middleware 0 returned undefined/);
});
