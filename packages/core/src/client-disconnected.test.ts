import { HttpError, isClientDisconnected } from '@tsgi/core';
import { ClientDisconnected } from '@tsgi/core/gateway';

test('ClientDisconnected says what happened and carries node-style code and cause', () => {
  const cause = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
  const error = new ClientDisconnected(undefined, { cause });
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('ClientDisconnected');
  expect(error.code).toBe('ECONNRESET');
  expect(error.message).toBe('the client closed the connection before the request body was complete');
  expect(error.cause).toBe(cause);
});

test('isClientDisconnected finds one directly, by name, and through causes', () => {
  expect(isClientDisconnected(new ClientDisconnected())).toBe(true);
  const copy = Object.assign(new Error('gone'), { name: 'ClientDisconnected' });
  expect(isClientDisconnected(copy)).toBe(true);
  expect(isClientDisconnected(new Error('upload failed', { cause: new ClientDisconnected() }))).toBe(true);
});

test('isClientDisconnected is false for other errors, even a reset from somewhere else', () => {
  expect(isClientDisconnected(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))).toBe(false);
  expect(isClientDisconnected(new HttpError(400))).toBe(false);
  expect(isClientDisconnected(undefined)).toBe(false);
  expect(isClientDisconnected('ClientDisconnected')).toBe(false);
  // A cause cycle ends.
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  (a as { cause?: unknown }).cause = b;
  expect(isClientDisconnected(a)).toBe(false);
});
