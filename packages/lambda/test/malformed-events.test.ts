/**
 * Events `toLambda` cannot serve. A field of the wrong type (an event AWS would never
 * send: a test invocation, a hand-written fixture, another service's event) rejects
 * with a `LambdaEventError` naming the field; a path no client request could carry to
 * the app safely (no leading '/', an absolute URL, control characters) is a 400 in the
 * event kind's result shape, and the app never runs. A fast-check property throws
 * random JSON-ish events and mutations of real ones at the handler.
 */
import fc from 'fast-check';
import type { Application, Environ } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { LambdaEventError, toLambda, type LambdaHttpEvent } from '../src/index.js';
import { events } from './fixtures.js';

type Kind = keyof typeof events;
type Json = Record<string, unknown>;

/** A fresh event of `kind` with `path` (dotted) set to `value`, or deleted for `undefined`. */
function event(kind: Kind, path?: string, value?: unknown): Json {
  const fresh = events[kind]() as unknown as Json;
  if (path === undefined) return fresh;
  const keys = path.split('.');
  let target = fresh;
  for (const key of keys.slice(0, -1)) target = target[key] as Json;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return fresh;
}

/** What the app saw, for the requests that reached it. */
const seen: Environ[] = [];
const lintErrors: string[] = [];
const recorder: Application = (environ, startResponse) => {
  seen.push(environ);
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from('ok')];
};
const handler = toLambda(lint(recorder), { errors: (text) => lintErrors.push(text) });
const call = (input: unknown) => handler(input as LambdaHttpEvent);

beforeEach(() => {
  seen.length = 0;
  lintErrors.length = 0;
});

const LONE = 'a\uD800b';

describe('a field of the wrong type rejects with a LambdaEventError naming it', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['null', null, /^toLambda: the event must be an object, got null$/],
    ['undefined', undefined, /the event must be an object, got undefined/],
    ['a string', 'GET /', /the event must be an object, got string/],
    ['a number', 42, /the event must be an object, got number/],
    ['an array', [], /the event must be an object, got array/],
    ['{}', {}, /not an API Gateway \(1\.0\/2\.0\), ALB or Function URL HTTP event \(keys: none\)/],
    ['an SQS event', { Records: [{ eventSource: 'aws:sqs' }] }, /not an API Gateway .* \(keys: Records\)/],
    // API Gateway 2.0 and Function URLs
    ['v2 without requestContext', event('v2', 'requestContext'), /event\.requestContext must be an object, got undefined/],
    ['v2 with requestContext null', event('v2', 'requestContext', null), /event\.requestContext must be an object, got null/],
    ['v2 without requestContext.http', event('v2', 'requestContext.http'), /event\.requestContext\.http must be an object, got undefined/],
    ['v2 with requestContext.http a string', event('v2', 'requestContext.http', 'GET'), /event\.requestContext\.http must be an object, got string/],
    ['v2 without a method', event('v2', 'requestContext.http.method'), /event\.requestContext\.http\.method must be a string, got undefined/],
    ['v2 with a numeric method', event('v2', 'requestContext.http.method', 1), /event\.requestContext\.http\.method must be a string, got number/],
    ['v2 with a numeric sourceIp', event('v2', 'requestContext.http.sourceIp', 10), /event\.requestContext\.http\.sourceIp must be a string, got number/],
    ['v2 with a numeric stage', event('v2', 'requestContext.stage', 1), /event\.requestContext\.stage must be a string, got number/],
    ['v2 without rawPath', event('v2', 'rawPath'), /event\.rawPath must be a string, got undefined/],
    ['v2 with a numeric rawPath', event('v2', 'rawPath', 7), /event\.rawPath must be a string, got number/],
    ['v2 with rawPath an array', event('v2', 'rawPath', ['/a']), /event\.rawPath must be a string, got array/],
    ['v2 with a numeric rawQueryString', event('v2', 'rawQueryString', 5), /event\.rawQueryString must be a string, got number/],
    ['v2 with rawQueryString an object', event('v2', 'rawQueryString', { q: '1' }), /event\.rawQueryString must be a string, got object/],
    ['v2 with cookies a number', event('v2', 'cookies', 3), /^toLambda: event\.cookies must be an array of strings, got number$/],
    ['v2 with cookies a string', event('v2', 'cookies', 'a=1'), /event\.cookies must be an array of strings, got string/],
    ['v2 with a numeric cookie', event('v2', 'cookies', ['a=1', 2]), /event\.cookies\[1\] must be a string, got number/],
    ['v2 with a null cookie', event('v2', 'cookies', [null]), /event\.cookies\[0\] must be a string, got null/],
    ['v2 with headers an array', event('v2', 'headers', [['host', 'x']]), /event\.headers must be an object of strings, got array/],
    ['v2 with headers a string', event('v2', 'headers', 'host: x'), /event\.headers must be an object of strings, got string/],
    ['v2 with a numeric header', event('v2', 'headers', { 'content-length': 16 }), /event\.headers\["content-length"\] must be a string, got number/],
    ['v2 with x-forwarded-for an array', event('v2', 'headers', { 'x-forwarded-for': ['1.2.3.4'] }), /event\.headers\["x-forwarded-for"\] must be a string, got array/],
    ['v2 with a null header', event('v2', 'headers', { accept: null }), /event\.headers\["accept"\] must be a string, got null/],
    ['v2 with a numeric body', event('v2', 'body', 12), /event\.body must be a string, got number/],
    ['v2 with an object body', event('v2', 'body', { name: 'x' }), /event\.body must be a string, got object/],
    ['v2 with isBase64Encoded a string', event('v2', 'isBase64Encoded', 'true'), /event\.isBase64Encoded must be true or false, got string/],
    ['v2 with a lone surrogate in the query', event('v2', 'rawQueryString', `q=${LONE}`), /event\.rawQueryString must be well-formed Unicode text, got a lone surrogate at 3/],
    ['Function URL with cookies an object', event('functionUrl', 'cookies', { a: '1' }), /event\.cookies must be an array of strings, got object/],
    ['Function URL without requestContext.http', event('functionUrl', 'requestContext.http'), /event\.requestContext\.http must be an object, got undefined/],
    ['Function URL with a boolean body', event('functionUrl', 'body', true), /event\.body must be a string, got boolean/],
    ['2.0 requestContext.http without version or rawPath', { requestContext: { http: { method: 'GET' } } }, /event\.rawPath must be a string, got undefined/],
    // API Gateway 1.0
    ['v1 without httpMethod', event('v1', 'httpMethod'), /event\.httpMethod must be a string, got undefined/],
    ['v1 with a numeric httpMethod', event('v1', 'httpMethod', 1), /event\.httpMethod must be a string, got number/],
    ['v1 without path', event('v1', 'path'), /event\.path must be a string, got undefined/],
    ['v1 with a numeric path', event('v1', 'path', 1), /event\.path must be a string, got number/],
    ['v1 without requestContext', event('v1', 'requestContext'), /event\.requestContext must be an object, got undefined/],
    ['v1 with requestContext an array', event('v1', 'requestContext', []), /event\.requestContext must be an object, got array/],
    ['v1 with a numeric requestContext.path', event('v1', 'requestContext.path', 3), /event\.requestContext\.path must be a string, got number/],
    ['v1 with identity a string', event('v1', 'requestContext.identity', '1.2.3.4'), /event\.requestContext\.identity must be an object, got string/],
    ['v1 with a numeric sourceIp', event('v1', 'requestContext.identity.sourceIp', 1), /event\.requestContext\.identity\.sourceIp must be a string, got number/],
    ['v1 with headers an array', event('v1', 'headers', []), /event\.headers must be an object of strings, got array/],
    ['v1 with a multi-value header not an array', event('v1', 'multiValueHeaders', { Accept: 'text/plain' }), /event\.multiValueHeaders\["Accept"\] must be an array of strings, got string/],
    ['v1 with a numeric multi-value header', event('v1', 'multiValueHeaders', { Accept: [1] }), /event\.multiValueHeaders\["Accept"\]\[0\] must be a string, got number/],
    ['v1 with multiValueHeaders an array', event('v1', 'multiValueHeaders', ['Accept']), /event\.multiValueHeaders must be an object of arrays of strings, got array/],
    ['v1 with a numeric query value', { ...event('v1', 'multiValueQueryStringParameters'), queryStringParameters: { page: 2 } }, /event\.queryStringParameters\["page"\] must be a string, got number/],
    ['v1 with multi-value query values not arrays', event('v1', 'multiValueQueryStringParameters', { q: 'a' }), /event\.multiValueQueryStringParameters\["q"\] must be an array of strings, got string/],
    ['v1 with a null multi-value query value', event('v1', 'multiValueQueryStringParameters', { q: [null] }), /event\.multiValueQueryStringParameters\["q"\]\[0\] must be a string, got null/],
    ['v1 with queryStringParameters an array', { ...event('v1', 'multiValueQueryStringParameters'), queryStringParameters: ['q'] }, /event\.queryStringParameters must be an object of strings, got array/],
    ['v1 with a lone surrogate in a query value', event('v1', 'multiValueQueryStringParameters', { q: [LONE] }), /event\.multiValueQueryStringParameters\["q"\]\[0\] must be well-formed Unicode text, got a lone surrogate at 1/],
    ['v1 with a lone surrogate in a query name', event('v1', 'multiValueQueryStringParameters', { [LONE]: ['1'] }), /event\.multiValueQueryStringParameters must have well-formed Unicode names, got a lone surrogate at 1 in "a\\ud800b"/],
    ['v1 with a lone surrogate in a single query value', { ...event('v1', 'multiValueQueryStringParameters'), queryStringParameters: { q: LONE } }, /event\.queryStringParameters\["q"\] must be well-formed Unicode text/],
    ['v1 with a numeric body', event('v1', 'body', 1), /event\.body must be a string, got number/],
    ['v1 with isBase64Encoded a number', event('v1', 'isBase64Encoded', 1), /event\.isBase64Encoded must be true or false, got number/],
    // ALB
    ['ALB with x-forwarded-for an array', event('alb', 'headers', { 'x-forwarded-for': ['10.0.0.1', '72.12.164.125'] }), /event\.headers\["x-forwarded-for"\] must be a string, got array/],
    ['ALB with a multi-value x-forwarded-for a string', event('albMulti', 'multiValueHeaders', { 'x-forwarded-for': '10.0.0.1' }), /event\.multiValueHeaders\["x-forwarded-for"\] must be an array of strings, got string/],
    ['ALB with a numeric query value', event('alb', 'queryStringParameters', { page: 2 }), /event\.queryStringParameters\["page"\] must be a string, got number/],
    ['ALB with a lone surrogate in a query value', event('alb', 'queryStringParameters', { q: LONE }), /event\.queryStringParameters\["q"\] must be well-formed Unicode text, got a lone surrogate at 1/],
    ['ALB with a boolean body', event('alb', 'body', false), /event\.body must be a string, got boolean/],
    ['ALB with httpMethod null', event('alb', 'httpMethod', null), /event\.httpMethod must be a string, got null/],
    ['ALB with headers a number', event('alb', 'headers', 1), /event\.headers must be an object of strings, got number/],
    ['ALB without httpMethod or path', { requestContext: { elb: { targetGroupArn: 'arn' } }, headers: {} }, /event\.httpMethod must be a string, got undefined/],
  ];

  test.each(cases)('%s', async (_name, input, message) => {
    const error = await call(input).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LambdaEventError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).name).toBe('LambdaEventError');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^toLambda: /);
    expect(seen).toHaveLength(0);
  });

  test('the error says which field, for code that reports it', async () => {
    const error = (await call(event('v2', 'cookies', 3)).catch((caught: unknown) => caught)) as LambdaEventError;
    expect(error.field).toBe('event.cookies');
  });
});

describe('a path that must not reach the app as PATH_INFO is a 400 in the kind\'s shape', () => {
  const cases: Array<[string, Json]> = [
    ['v2 rawPath without a leading /', event('v2', 'rawPath', 'items/42')],
    ['v2 rawPath an absolute URL', event('v2', 'rawPath', 'http://x/..')],
    ['v2 rawPath a scheme-relative URL', event('v2', 'rawPath', '//host/..')],
    ['v2 rawPath with CR/LF', event('v2', 'rawPath', '/a\r\nSet-Cookie: x=1')],
    ['v2 rawPath with an encoded CR/LF', event('v2', 'rawPath', '/a%0d%0aSet-Cookie:%20x=1')],
    ['v2 rawPath with NUL', event('v2', 'rawPath', '/a\u0000b')],
    ['v2 rawPath with a tab', event('v2', 'rawPath', '/a\tb')],
    ['v2 rawPath with DEL', event('v2', 'rawPath', '/a\u007fb')],
    ['v2 rawPath with a lone surrogate', event('v2', 'rawPath', `/${LONE}`)],
    ['v2 rawPath a backslash URL', event('v2', 'rawPath', '\\\\evil.example\\x')],
    ['v2 rawPath // after the stage', event('v2', 'rawPath', '/dev//evil.example/x')],
    ['Function URL rawPath an absolute URL', event('functionUrl', 'rawPath', 'https://evil.example/')],
    ['Function URL rawPath with LF', event('functionUrl', 'rawPath', '/items\n')],
    ['v1 path without a leading /', event('v1', 'path', 'items')],
    ['v1 path an absolute URL', event('v1', 'path', 'https://evil.example/x')],
    ['v1 path a scheme-relative URL', event('v1', 'path', '//evil.example/x')],
    ['v1 path with LF', event('v1', 'path', '/a\nb')],
    ['v1 requestContext.path with CR/LF', event('v1', 'requestContext.path', '/prod\r\n/items/caf%C3%A9')],
    ['ALB path without a leading /', event('alb', 'path', 'x')],
    ['ALB path a scheme-relative URL', event('alb', 'path', '//evil')],
    ['ALB path with an encoded LF', event('alb', 'path', '/a%0Ab')],
    ['ALB multi-value path with CR', event('albMulti', 'path', '/a\rb')],
  ];

  test.each(cases)('%s', async (name, input) => {
    const result = await call(input);
    expect(result).toMatchObject({ statusCode: 400, body: 'Bad Request\n', isBase64Encoded: false });
    if (name.startsWith('ALB')) expect(result.statusDescription).toBe('400 Bad Request');
    if (name.startsWith('v1') || name.startsWith('ALB multi')) expect(result.multiValueHeaders).toEqual({ 'content-type': ['text/plain; charset=utf-8'] });
    else expect(result.headers).toEqual({ 'content-type': 'text/plain; charset=utf-8' });
    expect(seen).toHaveLength(0);
  });

  test('well-formed paths still reach the app: spaces, %2F, a trailing slash, a lone /', async () => {
    for (const rawPath of ['/a b', '/a%2Fb/', '/', '/items/%E2%82%AC']) {
      expect((await call(event('functionUrl', 'rawPath', rawPath))).statusCode).toBe(200);
    }
    expect(seen.map((environ) => environ.PATH_INFO)).toEqual(['/a b', '/a/b/', '/', '/items/\xe2\x82\xac']);
  });
});

/** Any JSON value, at most a few levels deep. */
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('/', '//x', 'http://x/..', '/a\r\nb', '/%0a', 'GET', '2.0', '', LONE),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A field of a real event, as a dotted path. */
const FIELDS = [
  'version', 'rawPath', 'rawQueryString', 'cookies', 'headers', 'headers.host', 'headers.x-forwarded-for', 'headers.cookie', 'body',
  'isBase64Encoded', 'requestContext', 'requestContext.http', 'requestContext.http.method', 'requestContext.http.sourceIp',
  'requestContext.stage', 'requestContext.path', 'requestContext.elb', 'requestContext.identity', 'httpMethod', 'path',
  'multiValueHeaders', 'queryStringParameters', 'multiValueQueryStringParameters', 'queryStringParameters.q',
];

/** A real event with a few fields replaced by anything (or deleted). */
const mutated = fc
  .tuple(fc.constantFrom<Kind>('v1', 'v2', 'functionUrl', 'alb', 'albMulti'), fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.option(jsonish, { nil: undefined })), { minLength: 1, maxLength: 3 }))
  .map(([kind, changes]) => {
    const fresh = event(kind);
    for (const [path, value] of changes) {
      const keys = path.split('.');
      let target: unknown = fresh;
      for (const key of keys.slice(0, -1)) target = target !== null && typeof target === 'object' ? (target as Json)[key] : undefined;
      if (target === null || typeof target !== 'object') continue;
      if (value === undefined) delete (target as Json)[keys[keys.length - 1]!];
      else (target as Json)[keys[keys.length - 1]!] = value;
    }
    return fresh as unknown;
  });

/** A path made of the pieces that make paths go wrong. */
const pathy = fc
  .array(fc.constantFrom('/', '//', 'a', '.', '..', '%0a', '%0D', '%2F', '%2f%2f', '%', '%00', '\r', '\n', '\t', '\x7f', 'http:', '\\', '?', '#', ' ', 'é', '€', LONE), { maxLength: 8 })
  .map((pieces) => pieces.join(''));

/** A real event whose path (and, for 1.0, requestContext.path) is such a path. */
const badPathed = fc.tuple(fc.constantFrom<Kind>('v1', 'v2', 'functionUrl', 'alb', 'albMulti'), pathy, fc.boolean()).map(([kind, path, alsoContext]) => {
  const fresh = event(kind, kind === 'v2' || kind === 'functionUrl' ? 'rawPath' : 'path', path);
  if (kind === 'v1') (fresh.requestContext as Json).path = alsoContext ? `/prod${path}` : '/prod/items/caf%C3%A9';
  return fresh as unknown;
});

test('property: any JSON-ish event either rejects with a LambdaEventError or answers, and the app only sees a safe PATH_INFO', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(mutated, badPathed, jsonish), async (input) => {
      seen.length = 0;
      lintErrors.length = 0;
      let result: Awaited<ReturnType<typeof call>> | undefined;
      try {
        result = await call(input);
      } catch (error) {
        expect(error).toBeInstanceOf(LambdaEventError);
        expect((error as Error).message).toMatch(/^toLambda: /);
      }
      for (const environ of seen) {
        expect(environ.PATH_INFO.startsWith('/')).toBe(true);
        expect(environ.PATH_INFO.startsWith('//')).toBe(false);
        expect(environ.PATH_INFO + environ.SCRIPT_NAME).not.toMatch(/[\x00-\x1f\x7f]/);
      }
      if (result !== undefined) {
        expect([200, 400]).toContain(result.statusCode);
        expect(seen.length).toBe(result.statusCode === 200 ? 1 : 0);
      }
      // lint() found nothing wrong with any environ the app got.
      expect(lintErrors.join('')).toBe('');
    }),
    { numRuns: 600 },
  );
});
