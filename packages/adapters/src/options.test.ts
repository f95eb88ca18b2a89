/**
 * Every adapter checks what it is given once, at factory time, and names what was
 * wrong: a middleware that is not a function, a middleware that does not return an
 * app, options of the wrong type.
 */
import type { Middleware } from '@tsgi/core';
import { toConnect } from './connect.js';
import { toFastify } from './fastify.js';
import { toH3 } from './h3.js';
import { toHono } from './hono.js';
import { toKoa } from './koa.js';

const identity: Middleware = (app) => app;
const ADAPTERS = { toConnect, toKoa, toFastify, toHono, toH3 } as const;

describe.each(Object.entries(ADAPTERS))('%s', (name, adapter) => {
  const make = adapter as (middleware: unknown, options?: unknown) => unknown;

  test('takes a middleware and returns the host function', () => {
    expect(typeof make(identity)).toBe('function');
  });

  test('refuses a middleware that is not a function, naming what it got', () => {
    expect(() => make('gzip')).toThrow(new TypeError(`${name}: middleware must be a function (app) => app, such as gzip(), got string`));
  });

  test('refuses a middleware that returns no application', () => {
    expect(() => make(() => 42)).toThrow(`${name}: middleware(app) must return an application function, got number`);
  });

  test('refuses options that are not an object', () => {
    expect(() => make(identity, null)).toThrow(`${name}: options must be an object, got null`);
  });
});

test.each([
  ['toConnect', toConnect],
  ['toFastify', toFastify],
])('%s refuses a highWaterMark that is not a positive integer', (name, adapter) => {
  expect(() => adapter(identity, { highWaterMark: 0 })).toThrow(`${name}: highWaterMark must be an integer > 0, got 0`);
});

test.each([
  ['toHono', toHono],
  ['toH3', toH3],
])('%s refuses a scriptName with a trailing slash', (_name, adapter) => {
  expect(() => adapter(identity, { scriptName: '/api/' })).toThrow(/scriptName must be '' or start with '\/' and not end with one, got \/api\//);
});

test('toFastify marks its plugin the fastify-plugin way, so it covers the scope that registers it', () => {
  const plugin = toFastify(identity) as unknown as Record<symbol, unknown>;
  expect(plugin[Symbol.for('skip-override')]).toBe(true);
  expect(plugin[Symbol.for('fastify.display-name')]).toMatch(/^tsgi-/);
});
