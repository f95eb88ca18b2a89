import { isConnectionAbort } from '@tsgi/core';
import { GatewayConnection } from './client-connection.js';

test('close() tells every listener once, in order, with one ConnectionAbort, and aborts a signal made before', () => {
  const connection = new GatewayConnection();
  const calls: string[] = [];
  const reasons: Error[] = [];
  const signal = connection.signal;
  for (const name of ['a', 'b', 'c']) {
    connection.onClose((reason) => {
      calls.push(name);
      reasons.push(reason);
    });
  }
  expect(connection.closed).toBe(false);
  connection.close();
  connection.close();
  expect(calls).toEqual(['a', 'b', 'c']);
  expect(new Set(reasons).size).toBe(1);
  expect(isConnectionAbort(reasons[0])).toBe(true);
  expect(connection.closed).toBe(true);
  expect(signal.aborted).toBe(true);
  expect(signal.reason).toBe(reasons[0]);
});

test('no AbortSignal is made unless signal is read', () => {
  const connection = new GatewayConnection();
  connection.onClose(() => undefined);
  connection.close();
  expect((connection as unknown as { controller: unknown }).controller).toBeNull();
});

test('onClose takes a function', () => {
  expect(() => new GatewayConnection().onClose('x' as never)).toThrow(
    new TypeError('tsgi.connection: onClose takes a function (reason) => void, got string'),
  );
});

test('a listener that throws does not stop the others; the first error is rethrown after all ran', () => {
  const connection = new GatewayConnection();
  const calls: string[] = [];
  connection.onClose(() => {
    calls.push('a');
    throw new Error('first');
  });
  connection.onClose(() => {
    calls.push('b');
    throw new Error('second');
  });
  connection.onClose(() => void calls.push('c'));
  expect(() => connection.close()).toThrow('first');
  expect(calls).toEqual(['a', 'b', 'c']);
  expect(connection.closed).toBe(true);
});
