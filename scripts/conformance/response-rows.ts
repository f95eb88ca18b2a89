/**
 * The response conformance table: apps, good and broken, and what every output must
 * give for each (the same status and bytes, or the same cut, and the same number of
 * `close()` calls). Run through `serve()`, `toFetch()` and `testClient()` by
 * response-conformance.test.ts, and through every adapter host by
 * packages/adapters/test/broken-apps.test.ts: one table, extended here, never forked.
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import { ConnectionAbort, type Application, type Body } from '@tsgi/core';
import { HOSTILE } from '../../packages/core/test/hostile-values.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const TEXT: [string, string] = ['Content-Type', 'text/plain'];
/** The outcome of a row every output answers with core's 500. */
export const ERROR = '500 Internal Server Error\n';

export interface Row {
  name: string;
  method?: 'GET' | 'HEAD';
  /** The app; `closed` counts its body's close() calls. */
  app(closed: () => void): Application;
  /** `"<code> <body>"`, or `"cut"`: the status went out and the response was cut. */
  outcome: string;
  /** close() calls expected: 1 when the app returned a body with a close. */
  closes: number;
  /** The lint rule this row breaks; none for a good row. */
  rule?: string;
}

/** `body` with a close() that counts. */
function counted<B extends object>(body: B, closed: () => void): B & { close(): void } {
  return Object.assign(body, { close: closed });
}

function* generate(...chunks: string[]): Generator<Uint8Array> {
  for (const chunk of chunks) yield bytes(chunk);
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function* produce(...chunks: string[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    await new Promise((resolve) => setImmediate(resolve));
    yield bytes(chunk);
  }
}

export const ROWS: Row[] = [
  {
    name: 'an array body',
    app: (closed) => (_e, start) => (start('200 OK', [TEXT]), counted([bytes('hello')], closed)),
    outcome: '200 hello',
    closes: 1,
  },
  {
    name: 'a sync generator',
    app: (closed) => (_e, start) => (start('200 OK', [TEXT]), counted(generate('a', '', 'b'), closed)),
    outcome: '200 ab',
    closes: 1,
  },
  {
    name: 'an async generator',
    app: (closed) => (_e, start) => (start('200 OK', [TEXT]), counted(produce('a', 'b', 'c'), closed)),
    outcome: '200 abc',
    closes: 1,
  },
  {
    name: 'startResponse called lazily, inside the body',
    app: (closed) => (_e, start) =>
      counted(
        (function* () {
          start('201 Created', [TEXT]);
          yield bytes('made');
        })(),
        closed,
      ),
    outcome: '201 made',
    closes: 1,
  },
  {
    name: 'write() then a body',
    app: (closed) => (_e, start) => {
      const write = start('200 OK', [TEXT]);
      write(bytes('written,'));
      return counted([bytes('returned')], closed);
    },
    outcome: '200 written,returned',
    closes: 1,
  },
  {
    name: 'HEAD: headers only, the body closed',
    method: 'HEAD',
    app: (closed) => (_e, start) => (start('200 OK', [TEXT, ['Content-Length', '5']]), counted(generate('hello'), closed)),
    outcome: '200 ',
    closes: 1,
  },
  {
    name: '204 with a body sends none',
    app: (closed) => (_e, start) => (start('204 No Content', []), counted([bytes('dropped')], closed)),
    outcome: '204 ',
    closes: 1,
    rule: 'body.no-content',
  },
  {
    name: '205 with write() sends none',
    app: (closed) => (_e, start) => {
      start('205 Reset Content', [])(bytes('dropped'));
      return counted([] as Uint8Array[], closed);
    },
    outcome: '205 ',
    closes: 1,
    rule: 'body.no-content',
  },
  {
    // Never pulled (the status says no content), so there is nothing for lint to see.
    name: '304 with an async body sends none, unpulled',
    app: (closed) => (_e, start) => (start('304 Not Modified', []), counted(produce('dropped'), closed)),
    outcome: '304 ',
    closes: 1,
  },
  {
    name: 'a second startResponse without excInfo',
    app: (closed) => (_e, start) => {
      start('200 OK', [TEXT]);
      start('404 Not Found', [TEXT]);
      return counted([bytes('x')], closed);
    },
    outcome: ERROR,
    closes: 0,
    rule: 'start-response.twice',
  },
  {
    name: 'a second startResponse after a refused one',
    app: (closed) => (_e, start) => {
      try {
        start('200', [TEXT]); // refused: no reason phrase
      } catch {
        // an app that goes on as if nothing happened
      }
      start('200 OK', [TEXT]);
      return counted([bytes('x')], closed);
    },
    outcome: ERROR,
    closes: 0,
    rule: 'start-response.twice',
  },
  {
    name: 'excInfo before the headers went out replaces them',
    app: (closed) => (_e, start) => {
      start('200 OK', [TEXT]);
      start('503 Service Unavailable', [TEXT], new Error('backend down'));
      return counted([bytes('try later')], closed);
    },
    outcome: '503 try later',
    closes: 1,
  },
  {
    name: 'excInfo after the headers went out is rethrown',
    app: (closed) => (_e, start) =>
      counted(
        (function* () {
          const write = start('200 OK', [TEXT]);
          write(bytes('partial'));
          yield bytes('');
          start('500 Internal Server Error', [TEXT], new Error('late failure'));
        })(),
        closed,
      ),
    outcome: 'cut',
    closes: 1,
  },
  {
    name: 'a body longer than its Content-Length is cut at it',
    app: (closed) => (_e, start) => (start('200 OK', [TEXT, ['Content-Length', '3']]), counted([bytes('hello')], closed)),
    outcome: '200 hel',
    closes: 1,
    rule: 'body.content-length',
  },
  {
    name: 'a streamed body longer than its Content-Length is cut at it',
    app: (closed) => (_e, start) => (start('200 OK', [TEXT, ['Content-Length', '4']]), counted(produce('ab', 'cd', 'ef'), closed)),
    outcome: '200 abcd',
    closes: 1,
    rule: 'body.content-length',
  },
  {
    name: 'a body shorter than its Content-Length',
    app: (closed) => (_e, start) => (start('200 OK', [TEXT, ['Content-Length', '10']]), counted(produce('ab', 'cd'), closed)),
    outcome: 'cut',
    closes: 1,
    rule: 'body.content-length',
  },
  {
    name: 'an error before startResponse',
    app: () => () => {
      throw new Error('database down');
    },
    outcome: ERROR,
    closes: 0,
  },
  {
    name: 'an error in the body before its first byte',
    app: (closed) => (_e, start) =>
      counted(
        (function* () {
          start('200 OK', [TEXT]);
          yield bytes(''); // an empty chunk sends nothing: the headers are not out yet
          throw new Error('template failed');
        })(),
        closed,
      ),
    outcome: ERROR,
    closes: 1,
  },
  {
    name: 'an error in the body after the headers went out',
    app: (closed) => (_e, start) =>
      counted(
        (async function* () {
          start('200 OK', [TEXT]);
          yield bytes('first');
          await new Promise((resolve) => setImmediate(resolve));
          throw new Error('stream failed');
        })(),
        closed,
      ),
    outcome: 'cut',
    closes: 1,
  },
  {
    name: 'a body without startResponse',
    app: (closed) => () => counted([] as Uint8Array[], closed),
    outcome: ERROR,
    closes: 1,
    rule: 'start-response.missing',
  },
  {
    name: 'bytes before startResponse',
    app: (closed) => (_e, start) =>
      counted(
        (function* () {
          yield bytes('early');
          start('200 OK', [TEXT]);
        })(),
        closed,
      ),
    outcome: ERROR,
    closes: 1,
    rule: 'start-response.late',
  },
  {
    name: 'a chunk that is not bytes',
    app: (closed) => (_e, start) => (start('200 OK', [TEXT]), counted(['text'] as unknown as Uint8Array[], closed)),
    outcome: ERROR,
    closes: 1,
    rule: 'body.chunk-type',
  },
  {
    name: 'a hop-by-hop header',
    app: (closed) => (_e, start) => (start('200 OK', [['Connection', 'close']]), counted([bytes('x')], closed)),
    outcome: ERROR,
    closes: 0,
    rule: 'headers.hop-by-hop',
  },
  {
    name: 'a Content-Length that is not digits',
    app: (closed) => (_e, start) => (start('200 OK', [['Content-Length', '1e3']]), counted([bytes('x')], closed)),
    outcome: ERROR,
    closes: 0,
    rule: 'headers.content-length',
  },
  {
    // Every output awaits any thenable, as `await` does (core's isPromise), and lint accepts it.
    name: 'an app that returns a thenable, not a Promise',
    app: (closed) => (_e, start) =>
      ({
        then(resolve: (body: Body) => void) {
          start('200 OK', [TEXT]);
          resolve(counted([bytes('later')], closed));
        },
      }) as unknown as Body,
    outcome: '200 later',
    closes: 1,
  },
  {
    // The first chunk of a sync body is held one step (it goes out with a Content-Length
    // if it is the only one), but for the app the headers went out with it.
    name: 'a sync body that throws after its first chunk',
    app: (closed) => (_e, start) =>
      counted(
        (function* () {
          start('200 OK', [TEXT]);
          yield bytes('first');
          throw new Error('template failed');
        })(),
        closed,
      ),
    outcome: 'cut',
    closes: 1,
  },
  {
    name: 'excInfo after a sync body’s first chunk is rethrown',
    app: (closed) => (_e, start) =>
      counted(
        (function* () {
          start('200 OK', [TEXT]);
          yield bytes('first');
          start('500 Internal Server Error', [TEXT], new Error('late failure'));
        })(),
        closed,
      ),
    outcome: 'cut',
    closes: 1,
  },
  {
    name: 'write() inside a sync body keeps the order of its bytes',
    app: (closed) => (_e, start) =>
      counted(
        (function* () {
          const write = start('200 OK', [TEXT]);
          yield bytes('a');
          write(bytes('b'));
          yield bytes('c');
        })(),
        closed,
      ),
    outcome: '200 abc',
    closes: 1,
    rule: 'write.in-body',
  },
  {
    // The app asks for the connection to be dropped: no 500, no log line.
    name: 'a ConnectionAbort before the headers',
    app: () => () => {
      throw new ConnectionAbort('upstream reset');
    },
    outcome: 'cut',
    closes: 0,
  },
  {
    name: 'a ConnectionAbort from the body after the headers',
    app: (closed) => (_e, start) =>
      counted(
        (async function* () {
          start('200 OK', [TEXT]);
          yield bytes('first');
          await tick();
          throw new ConnectionAbort('upstream reset');
        })(),
        closed,
      ),
    outcome: 'cut',
    closes: 1,
  },
];

/**
 * An app may throw anything: each value String() or `.stack` cannot take, thrown at
 * each point before and after the headers, must give every output the same 500 or cut.
 */
for (const [name, make] of HOSTILE) {
  ROWS.push(
    {
      name: `the app throws ${name}`,
      app: () => () => {
        throw make();
      },
      outcome: ERROR,
      closes: 0,
    },
    {
      name: `the async app rejects with ${name}`,
      app: () => () => Promise.reject(make() as Error),
      outcome: ERROR,
      closes: 0,
    },
    {
      name: `the body throws ${name} before its first byte`,
      app: (closed) => (_e, start) =>
        counted(
          (async function* () {
            start('200 OK', [TEXT]);
            await tick();
            yield bytes('');
            throw make();
          })(),
          closed,
        ),
      outcome: ERROR,
      closes: 1,
    },
    {
      name: `the body throws ${name} after the headers went out`,
      app: (closed) => (_e, start) =>
        counted(
          (async function* () {
            start('200 OK', [TEXT]);
            yield bytes('first');
            await tick();
            throw make();
          })(),
          closed,
        ),
      outcome: 'cut',
      closes: 1,
    },
  );
}
