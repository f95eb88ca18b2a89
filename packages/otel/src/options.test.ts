import { otel } from './otel.js';
import type { OtelOptions } from './options.js';

test.each<[string, unknown, RegExp]>([
  ['ignore', '/healthz', /ignore must be an array of paths starting with '\/' or a function, got "\/healthz"/],
  ['ignore', ['healthz'], /ignore must be an array of paths/],
  ['captureRequestHeaders', 'x-request-id', /captureRequestHeaders must be an array of header names \(strings\), got "x-request-id"/],
  ['captureResponseHeaders', [''], /captureResponseHeaders must be an array/],
  ['redactHeaders', [1], /redactHeaders must be an array/],
  ['requestHook', true, /requestHook must be a function, got true/],
  ['tracerProvider', {}, /tracerProvider must have a getTracer\(\) method/],
  ['meterProvider', { getTracer() {} }, /meterProvider must have a getMeter\(\) method/],
  ['propagator', 'w3c', /propagator must have an extract\(\) method/],
  ['spanNameFactory', 'GET', /spanNameFactory must be a function/],
  ['tracer', {}, /unknown option "tracer"/],
])('a bad %s is a TypeError naming it and the value', (name, value, message) => {
  expect(() => otel({ [name]: value } as OtelOptions)).toThrow(TypeError);
  expect(() => otel({ [name]: value } as OtelOptions)).toThrow(message);
});

test('the middleware refuses something that is no app', () => {
  expect(() => otel()(undefined as never)).toThrow(/otel: the app must be an Application \(a function\), got undefined/);
});
