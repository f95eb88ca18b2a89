/**
 * The gateway at the edges of PEP 3333 and RFC 9110: an empty write() sends the
 * headers (how an app opens a stream before its first event), and 205 Reset Content
 * goes out with no content whatever the app returns. Also both directions of a
 * dropped connection: `environ['tsgi.connection']` and an app's `ConnectionAbort`.
 */
import { ConnectionAbort, isConnectionAbort, type Application, type ClientConnection } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { bodyOf, headOf, openSocket, rawRequest, sleep, startServer, text, waitFor } from './helpers.js';

const GET = (path = '/', extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: h\r\n${extra}\r\n`;
const GET_CLOSE = (path = '/'): string => GET(path, 'Connection: close\r\n');

describe('write(new Uint8Array(0))', () => {
  test('sends the status line and headers at once, before the first event', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await startServer(lint((_environ, startResponse) => {
      const write = startResponse('200 OK', [['Content-Type', 'text/event-stream']]);
      write(new Uint8Array(0));
      return (async function* () {
        await gate;
        yield text('data: first\n\n');
      })();
    }));
    try {
      const socket = await openSocket(server.port);
      socket.write(GET_CLOSE());
      expect(await waitFor(() => socket.received().includes('\r\n\r\n'), 1000)).toBe(true);
      const { statusLine, headers } = headOf(socket.received());
      expect(statusLine).toBe('HTTP/1.1 200 OK');
      expect(headers['content-type']).toBe('text/event-stream');
      expect(headers['transfer-encoding']).toBe('chunked');
      // Headers only: no chunk (not even the terminating one) before the first event.
      expect(bodyOf(socket.received())).toBe('');
      release();
      expect(await waitFor(() => socket.received().endsWith('0\r\n\r\n'))).toBe(true);
      expect(bodyOf(socket.received())).toBe('d\r\ndata: first\n\n\r\n0\r\n\r\n');
      socket.destroy();
    } finally {
      await server.close();
    }
  });

  test('a later empty write sends nothing more, and the body still follows', async () => {
    const server = await startServer(lint((_environ, startResponse) => {
      const write = startResponse('200 OK', []);
      write(new Uint8Array(0));
      write(new Uint8Array(0));
      write(text('a'));
      write(new Uint8Array(0));
      return [text('b')];
    }));
    try {
      const result = await rawRequest(server.port, GET_CLOSE());
      expect(bodyOf(result.text)).toBe('1\r\na\r\n1\r\nb\r\n0\r\n\r\n');
    } finally {
      await server.close();
    }
  });

  test('on a status with no content the headers go out and the body is dropped', async () => {
    let closed = 0;
    // unlinted: the app writes content on a 204 on purpose; the gateway must drop it.
    const server = await startServer((_environ, startResponse) => {
      const write = startResponse('204 No Content', []);
      write(new Uint8Array(0));
      write(text('dropped'));
      return Object.assign([text('dropped too')], { close: () => void closed++ });
    });
    try {
      const result = await rawRequest(server.port, GET() + GET_CLOSE());
      expect(result.text).not.toContain('dropped');
      expect(result.text.match(/HTTP\/1\.1 204 No Content\r\n/g)).toHaveLength(2);
      expect(closed).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe('205 Reset Content', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let closed = 0;
  const apps: Record<string, Application> = {
    '/array': (_environ, startResponse) => {
      startResponse('205 Reset Content', [['Content-Type', 'text/plain']]);
      return [text('dropped')];
    },
    '/declared': (_environ, startResponse) => {
      // A length for the content it must not send: the framing must still say 0.
      startResponse('205 Reset Content', [['Content-Length', '7']]);
      return [text('dropped')];
    },
    '/stream': (_environ, startResponse) => {
      startResponse('205 Reset Content', []);
      const body = (async function* () {
        yield text('dropped');
        yield text('dropped again');
      })();
      return Object.assign(body, { close: () => void closed++ });
    },
    '/write': (_environ, startResponse) => {
      startResponse('205 Reset Content', [])(text('dropped'));
      return [];
    },
    '/ok': lint((_environ, startResponse) => {
      startResponse('200 OK', []);
      return [text('next')];
    }),
  };
  beforeAll(async () => {
    // unlinted: these apps send content with 205 on purpose; the gateway must drop it ('/ok' is linted).
    server = await startServer((environ, startResponse) => apps[environ.PATH_INFO]!(environ, startResponse));
  });
  afterAll(() => server.close());

  test.each(['/array', '/declared', '/stream', '/write'])('%s: no content, Content-Length: 0, the connection goes on', async (path) => {
    const result = await rawRequest(server.port, GET(path) + GET_CLOSE('/ok'));
    expect(result.text).not.toContain('dropped');
    const { statusLine, headers } = headOf(result.text);
    expect(statusLine).toBe('HTTP/1.1 205 Reset Content');
    expect(headers['content-length']).toBe('0');
    expect(headers['transfer-encoding']).toBeUndefined();
    // The next response follows the empty one directly on the same connection.
    expect(bodyOf(result.text)).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nnext$/);
  });

  test('a streamed body is stopped and closed without being sent', async () => {
    closed = 0;
    await rawRequest(server.port, GET_CLOSE('/stream'));
    await sleep(20);
    expect(closed).toBe(1);
  });
});

describe("environ['tsgi.connection']", () => {
  test('tells onClose listeners and the signal when the client leaves while the app is still working; the late body is closed', async () => {
    const seen: { reasons: unknown[]; signalReason?: unknown; closedBefore?: boolean; closedAfter?: boolean; bodyClosed: number } = {
      reasons: [],
      bodyClosed: 0,
    };
    let gone!: () => void;
    const wasGone = new Promise<void>((resolve) => (gone = resolve));
    const server = await startServer(lint(async (environ, startResponse) => {
      const connection = environ['tsgi.connection']!;
      seen.closedBefore = connection.closed;
      const signal = connection.signal;
      connection.onClose((reason) => seen.reasons.push(reason));
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      seen.signalReason = signal.reason;
      seen.closedAfter = connection.closed;
      // A listener added late is called at once.
      connection.onClose((reason) => seen.reasons.push(reason));
      gone();
      startResponse('200 OK', []);
      return Object.assign([text('too late')], { close: () => void seen.bodyClosed++ });
    }));
    try {
      const socket = await openSocket(server.port);
      socket.write(GET());
      await sleep(50);
      socket.destroy();
      await wasGone;
      expect(await waitFor(() => seen.bodyClosed === 1)).toBe(true);
      expect(seen.closedBefore).toBe(false);
      expect(seen.closedAfter).toBe(true);
      expect(isConnectionAbort(seen.signalReason)).toBe(true);
      expect(seen.reasons).toEqual([seen.signalReason, seen.signalReason]);
      expect(server.log).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('a signal first read after the client left is already aborted', async () => {
    let signal: AbortSignal | undefined;
    const server = await startServer(lint(async (environ, startResponse) => {
      const connection = environ['tsgi.connection']!;
      await new Promise<void>((resolve) => connection.onClose(() => resolve()));
      signal = connection.signal;
      startResponse('200 OK', []);
      return [];
    }));
    try {
      const socket = await openSocket(server.port);
      socket.write(GET());
      await sleep(30);
      socket.destroy();
      expect(await waitFor(() => signal !== undefined)).toBe(true);
      expect(signal!.aborted).toBe(true);
      expect(isConnectionAbort(signal!.reason)).toBe(true);
    } finally {
      await server.close();
    }
  });

  test('an onClose listener that throws is logged to wsgi.errors; the server keeps serving', async () => {
    const server = await startServer(lint(async (environ, startResponse) => {
      if (environ.PATH_INFO === '/ok') {
        startResponse('200 OK', []);
        return [text('still serving')];
      }
      await new Promise<void>((resolve) =>
        environ['tsgi.connection']!.onClose(() => {
          resolve();
          throw new Error('listener broke');
        }),
      );
      startResponse('200 OK', []);
      return [];
    }));
    try {
      const socket = await openSocket(server.port);
      socket.write(GET());
      await sleep(30);
      socket.destroy();
      expect(await waitFor(() => server.log.join('').includes('listener broke'))).toBe(true);
      expect(server.log.join('')).toContain('error in a tsgi.connection onClose listener');
      expect(bodyOf((await rawRequest(server.port, GET_CLOSE('/ok'))).text)).toBe('still serving');
    } finally {
      await server.close();
    }
  });

  test('stays quiet for a response that completes', async () => {
    let connection: ClientConnection | undefined;
    const server = await startServer(lint(async (environ, startResponse) => {
      connection = environ['tsgi.connection'];
      await sleep(5);
      startResponse('200 OK', []);
      return [text('done')];
    }));
    try {
      const result = await rawRequest(server.port, GET_CLOSE());
      expect(bodyOf(result.text)).toBe('done');
      await sleep(20);
      expect(connection?.closed).toBe(false);
      expect(connection?.signal.aborted).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('ConnectionAbort from the app', () => {
  test.each(['thrown', 'rejected', 'thrown by the body'])('%s before the headers: the connection is cut, no 500, no log', async (how) => {
    const abort = new ConnectionAbort('upstream reset');
    const server = await startServer(lint((_environ, startResponse) => {
      if (how === 'thrown') throw abort;
      if (how === 'rejected') return Promise.reject(abort);
      startResponse('200 OK', []);
      return (async function* () {
        await sleep(5);
        if (how.endsWith('body')) throw abort;
        yield text('never');
      })();
    }));
    try {
      const result = await rawRequest(server.port, GET());
      expect(result.text).toBe('');
      expect(result.closed).toBe(true);
      expect(server.log).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('any other error still gets its 500', async () => {
    const server = await startServer(lint(() => {
      throw new Error('plain failure');
    }));
    try {
      const result = await rawRequest(server.port, GET_CLOSE());
      expect(headOf(result.text).statusLine).toBe('HTTP/1.1 500 Internal Server Error');
      expect(server.log.join('')).toContain('plain failure');
    } finally {
      await server.close();
    }
  });
});
