import { HttpError, REASON_PHRASES, isHttpError } from '@tsgi/core';
import * as statusErrors from './status-errors.js';

type StatusClass = statusErrors.StatusErrorClass;
const classes = Object.entries(statusErrors).filter((entry): entry is [string, StatusClass] => typeof entry[1] === 'function');

test('one class per registered 4xx and 5xx status, named from its reason phrase', () => {
  const registered = Object.keys(REASON_PHRASES).map(Number).filter((code) => code >= 400);
  expect(classes.map(([, cls]) => cls.status).sort()).toEqual(registered.sort());
  for (const [name, cls] of classes) {
    const phrase = REASON_PHRASES[cls.status]!.replace(/[^A-Za-z ]/g, '');
    const expected = phrase.split(' ').map((word) => (word === word.toUpperCase() ? word : word[0]!.toUpperCase() + word.slice(1))).join('');
    expect([name, cls.name]).toEqual([expected, expected]);
  }
});

test('instances are HttpErrors with their status, name, message, headers and cause', () => {
  const cause = new Error('row locked');
  const error = new statusErrors.Conflict('try again', { headers: [['Retry-After', '1']], cause });
  expect(error).toBeInstanceOf(HttpError);
  expect(error).toBeInstanceOf(statusErrors.Conflict);
  expect(isHttpError(error)).toBe(true);
  expect([error.status, error.name, error.message, error.expose, error.cause]).toEqual([409, 'Conflict', 'try again', true, cause]);
  expect(error.headers).toEqual([['Retry-After', '1']]);
  expect(String(error)).toBe('Conflict: try again');
  const server = new statusErrors.BadGateway();
  expect([server.message, server.expose]).toEqual(['Bad Gateway', false]);
});
