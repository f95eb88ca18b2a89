import type { Application, Body, Environ, StartResponse } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { guard, type ErrorHandler } from './guard.js';

const answer: ErrorHandler = (error, _environ, startResponse) => {
  startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], error);
  return [Buffer.from(`caught ${(error as Error).message}`)];
};
const ENVIRON = { REQUEST_METHOD: 'GET' } as Environ;
const start: StartResponse = () => () => undefined;

describe('guard()', () => {
  it('hands an array body up as the same object, and a sync body as a sync one', () => {
    const array = [Buffer.from('a')];
    expect(guard(() => array, answer)(ENVIRON, start)).toBe(array);
    const sync = guard(() => (function* () { yield Buffer.from('b'); })(), answer)(ENVIRON, start) as Body;
    expect(typeof (sync as Iterable<Uint8Array>)[Symbol.iterator]).toBe('function');
    expect(Symbol.asyncIterator in sync).toBe(false);
  });

  it('answers a sync body that throws before its first byte, and closes it once', async () => {
    let closed = 0;
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      const body = (function* () {
        yield new Uint8Array(0);
        throw new Error('late');
      })();
      return Object.assign(body, { close: () => void closed++ });
    };
    const res = await testClient(guard(app, answer)).get('/');
    expect([res.status, res.text, closed]).toEqual([500, 'caught late', 1]);
  });
});
