import { cors } from './index.js';

describe('cors() checks its options once, naming the bad one', () => {
  test.each([
    ["credentials with origin '*'", { credentials: true }, /credentials: true cannot go with origin: '\*'.*list the origins allowed, e\.g\. origin: \['https:\/\/app\.example\.com'\]/],
    ['credentials with the default origin spelled out', { origin: '*', credentials: true }, /cannot go with origin: '\*'/],
    ['credentials not a boolean', { credentials: 'yes' }, /credentials must be true or false, got "yes"/],
    ['a method that is not a token', { methods: ['GET', 'P UT'] }, /methods must hold HTTP tokens.*"P UT" is not one/],
    ['methods not an array', { methods: 'GET,POST' }, /methods must be an array of names/],
    ["allowHeaders '*' with credentials", { origin: 'https://a.example', credentials: true, allowHeaders: ['*'] }, /allowHeaders cannot be '\*' with credentials/],
    ['maxAge negative', { maxAge: -1 }, /maxAge must be a whole number of seconds >= 0, e\.g\. 600, got number -1/],
    ['maxAge fractional', { maxAge: 1.5 }, /maxAge must be a whole number/],
    ['optionsSuccessStatus not 2xx', { optionsSuccessStatus: 301 }, /optionsSuccessStatus must be a 2xx status/],
    ['an origin with a trailing slash', { origin: 'https://a.example/' }, /cors: origin: "https:\/\/a\.example\/" is not an origin/],
    ['an unknown option', { origins: ['https://a.example'] }, /unknown option "origins"/],
    ['not an object', null, /options must be an object/],
  ])('%s', (_name, options, message) => {
    expect(() => cors(options as never)).toThrow(TypeError);
    expect(() => cors(options as never)).toThrow(message);
  });

  test('the middleware refuses a non-function app', () => {
    expect(() => cors()('nope' as never)).toThrow(/cors: the application must be a function/);
  });

  test('valid options do not throw, and nothing runs at factory time but the checks', () => {
    expect(() => cors({ origin: [/^https:\/\/(a|b)\.example$/, 'null', 'https://c.example'], credentials: true, exposeHeaders: ['ETag'], maxAge: 0 })).not.toThrow();
  });
});
