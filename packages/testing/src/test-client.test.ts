import type { Application, Body } from '@tsgi/core';
import { LintError } from '@tsgi/lint';
import { testClient } from '@tsgi/testing';

const bytes = (s: string) => new TextEncoder().encode(s);

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']]);
  return [bytes('hello')];
};

test('a correct array app answers through lint, closed once', async () => {
  const res = await testClient(hello).get('/');
  expect(res.status).toBe(200);
  expect(res.statusLine).toBe('200 OK');
  expect(res.text).toBe('hello');
  expect(res.header('content-type')).toBe('text/plain');
  expect(res.headerValues('Content-Type')).toEqual(['text/plain']);
  expect(res.closeCalls).toBe(1);
  expect(res.truncated).toBe(false);
});

test('an async generator app streams, and its finally runs', async () => {
  let finished = false;
  const app: Application = () =>
    (async function* () {
      try {
        yield bytes('');
        // Lazy startResponse, inside the first iteration, as PEP 3333 allows.
        yield bytes('a');
      } finally {
        finished = true;
      }
    })();
  const lazy: Application = (environ, startResponse) => {
    const inner = app(environ, startResponse) as AsyncGenerator<Uint8Array>;
    return (async function* () {
      startResponse('201 Created', []);
      yield* inner;
    })();
  };
  const res = await testClient(lazy).post('/x');
  expect(res.status).toBe(201);
  expect(res.text).toBe('a');
  expect(finished).toBe(true);
});

test('a hop-by-hop header rejects with a LintError', async () => {
  const app: Application = (_e, startResponse) => {
    startResponse('200 OK', [['Connection', 'close']]);
    return [];
  };
  await expect(testClient(app).get('/')).rejects.toThrow(LintError);
  await expect(testClient(app).get('/')).rejects.toMatchObject({ rule: 'headers.hop-by-hop' });
});

test('close() is called once when the body is an iterable with close', async () => {
  let closes = 0;
  const app: Application = (_e, startResponse) => {
    startResponse('200 OK', []);
    const body: Body = Object.assign(new Set([bytes('x')]), { close: () => void closes++ });
    return body;
  };
  const res = await testClient(app).get('/');
  expect(res.text).toBe('x');
  expect(closes).toBe(1);
});
