import { ConnectionAbort, isConnectionAbort } from './connection-abort.js';

test('a ConnectionAbort is an Error with its name, message and cause', () => {
  const cause = new Error('upstream reset');
  const abort = new ConnectionAbort('dropping the client', { cause });
  expect(abort).toBeInstanceOf(Error);
  expect(abort.name).toBe('ConnectionAbort');
  expect(abort.message).toBe('dropping the client');
  expect(abort.cause).toBe(cause);
  expect(new ConnectionAbort().message).toBe('the connection was aborted');
});

test('isConnectionAbort knows one from any copy of core (the Symbol.for brand of shareInstanceof), and nothing else', () => {
  expect(isConnectionAbort(new ConnectionAbort())).toBe(true);
  expect(isConnectionAbort({ [Symbol.for('tsgi.ConnectionAbort')]: true })).toBe(true);
  for (const other of [new Error('x'), Object.assign(new Error('x'), { name: 'ConnectionAbort' }), null, undefined, 'ConnectionAbort', {}]) {
    expect(isConnectionAbort(other)).toBe(false);
  }
});
