import fc from 'fast-check';
import { arrayBodyLength, checkBody, checkChunk, type Body } from '@tsgi/core';
import { describeValue } from './body-check.js';

test('checkBody accepts arrays, iterables and async iterables', () => {
  expect(checkBody([])).toBeUndefined();
  expect(checkBody([Buffer.from('a')])).toBeUndefined();
  expect(checkBody(new Set([Buffer.from('a')]))).toBeUndefined();
  expect(checkBody((function* () {})())).toBeUndefined();
  expect(checkBody((async function* () {})())).toBeUndefined();
  expect(checkBody({ [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) })).toBeUndefined();
});

test("checkBody names what it got, in the gateway's words", () => {
  expect(checkBody(undefined)).toBe('the app must return an iterable of Uint8Array, got undefined');
  expect(checkBody(null)).toBe('the app must return an iterable of Uint8Array, got null');
  expect(checkBody('hello')).toBe('the app must return an iterable of Uint8Array, got a string');
  expect(checkBody(42)).toBe('the app must return an iterable of Uint8Array, got a number');
  expect(checkBody(Promise.resolve([]))).toMatch(/got a Promise \(await it/);
  // Any thenable, as the gateways await one (isPromise): the same words.
  expect(checkBody({ then: () => undefined })).toMatch(/got a Promise \(await it/);
  expect(checkBody({ length: 3 })).toBe('the app must return an iterable of Uint8Array, got an object that is not iterable ([object Object])');
  expect(checkBody(Buffer.from('x'))).toBeUndefined(); // a Buffer is an iterable (of numbers): the chunk check catches it
});

test('checkChunk takes Uint8Array and Buffer only', () => {
  expect(checkChunk(new Uint8Array(2))).toBeUndefined();
  expect(checkChunk(Buffer.from('x'))).toBeUndefined();
  expect(checkChunk('x')).toBe('body chunks must be Uint8Array, got a string');
  expect(checkChunk(undefined)).toBe('body chunks must be Uint8Array, got undefined');
  expect(checkChunk(new ArrayBuffer(2))).toBe('body chunks must be Uint8Array, got an object that is not iterable ([object ArrayBuffer])');
});

test('describeValue uses the right article for every typeof', () => {
  expect(describeValue(1n)).toBe('a bigint');
  expect(describeValue(Symbol('s'))).toBe('a symbol');
  expect(describeValue(() => 1)).toBe('a function');
  expect(describeValue(true)).toBe('a boolean');
});

test('arrayBodyLength is NaN, never a throw, when a chunk is not bytes', () => {
  expect(arrayBodyLength([Buffer.from('ab'), new Uint8Array(3)])).toBe(5);
  expect(arrayBodyLength([Buffer.from('ab'), 'cd'] as unknown as Body)).toBeNaN();
  expect(arrayBodyLength([undefined, null] as unknown as Body)).toBeNaN();
});

test('checkBody never throws, whatever it is given', () => {
  fc.assert(
    fc.property(fc.anything(), (value) => {
      const problem = checkBody(value);
      const iterable = typeof value === 'object' && value !== null && Symbol.iterator in value;
      expect(problem === undefined).toBe(iterable);
    }),
  );
});
