import type { Application, ResponseHeaders } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { bodyOf, headOf, openSocket, rawRequest, sleep, startServer, text, waitFor } from './helpers.js';

const GET = (path = '/', extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: h\r\n${extra}\r\n`;
const GET_CLOSE = (path = '/'): string => GET(path, 'Connection: close\r\n');

test('status and headers are not sent before the first non-empty chunk', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const server = await startServer(lint((_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      yield new Uint8Array(0);
      await gate;
      yield text('late');
    })();
  }));
  try {
    const socket = await openSocket(server.port);
    socket.write(GET_CLOSE());
    await sleep(100);
    expect(socket.received()).toBe('');
    release();
    await waitFor(() => socket.received().includes('late'));
    expect(socket.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    socket.destroy();
  } finally {
    await server.close();
  }
});

test('the write() callable sends headers at once and its bytes before the body', async () => {
  const server = await startServer(lint((_environ, startResponse) => {
    const write = startResponse('200 OK', []);
    write(text('from write;'));
    return [text('from body')];
  }));
  try {
    const result = await rawRequest(server.port, GET_CLOSE());
    expect(headOf(result.text).headers['transfer-encoding']).toBe('chunked');
    expect(result.text).toContain('from write;');
    expect(result.text.indexOf('from write;')).toBeLessThan(result.text.indexOf('from body'));
  } finally {
    await server.close();
  }
});

describe('startResponse', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const apps: Record<string, Application> = {
    '/twice': (_environ, startResponse) => {
      startResponse('200 OK', []);
      startResponse('201 Created', []);
      return [text('no')];
    },
    '/replace': lint((_environ, startResponse) => {
      startResponse('200 OK', [['X-First', '1']]);
      try {
        throw new Error('boom');
      } catch (error) {
        startResponse('503 Service Unavailable', [['X-Second', '2']], error);
      }
      return [text('replaced')];
    }),
    '/after-sent': lint((_environ, startResponse) => {
      const write = startResponse('200 OK', []);
      write(text('partial'));
      startResponse('500 Internal Server Error', [], new Error('late failure'));
      return [text('never')];
    }),
  };
  beforeAll(async () => {
    // unlinted: '/twice' breaks the once-only rule on purpose (lint would answer first); the others are linted.
    server = await startServer((environ, startResponse) => apps[environ.PATH_INFO]!(environ, startResponse));
  });
  afterAll(() => server.close());

  test('a second call without excInfo is an error: 500, logged', async () => {
    const result = await rawRequest(server.port, GET_CLOSE('/twice'));
    expect(result.text).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
    expect(bodyOf(result.text)).toBe('Internal Server Error\n');
    expect(server.log.join('')).toContain('second time without excInfo');
  });

  test('with excInfo before anything was sent, it replaces status and headers', async () => {
    const result = await rawRequest(server.port, GET_CLOSE('/replace'));
    const { statusLine, headers } = headOf(result.text);
    expect(statusLine).toBe('HTTP/1.1 503 Service Unavailable');
    expect(headers['x-second']).toBe('2');
    expect(headers['x-first']).toBeUndefined();
    expect(bodyOf(result.text)).toBe('replaced');
  });

  test('with excInfo after headers went out, it rethrows: the connection is cut, no second status line', async () => {
    const result = await rawRequest(server.port, GET('/after-sent'));
    expect(result.closed).toBe(true);
    expect(result.text.match(/HTTP\/1\.1/g)).toHaveLength(1);
    expect(result.text).toContain('partial');
    expect(result.text).not.toContain('never');
    expect(server.log.join('')).toContain('late failure');
  });
});

test.each<[string, string, ResponseHeaders]>([
  ['a status without a reason phrase', '200', []],
  ['a status with CR/LF', '200 OK\r\nX-Injected: 1', []],
  ['a non-latin-1 status', '200 Okay ✓', []],
  ['a header value with LF', '200 OK', [['X-Bad', 'a\nb']]],
  ['a non-latin-1 header value', '200 OK', [['X-Bad', 'snow ☃']]],
  ['a bad header name', '200 OK', [['Bad Name', 'x']]],
  ['a hop-by-hop header', '200 OK', [['Connection', 'close']]],
  ['Transfer-Encoding from the app', '200 OK', [['Transfer-Encoding', 'chunked']]],
])('%s is an error: 500, and the server keeps serving', async (_name, status, headers) => {
  // unlinted: the app sends a bad status or header on purpose; the gateway must refuse it.
  const server = await startServer((environ, startResponse) => {
    if (environ.PATH_INFO === '/ok') {
      startResponse('200 OK', []);
      return [text('still here')];
    }
    startResponse(status, headers);
    return [text('bad')];
  });
  try {
    const result = await rawRequest(server.port, GET('/') + GET_CLOSE('/ok'));
    expect(result.text).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
    expect(result.text).not.toContain('X-Injected');
    expect(result.text).toContain('still here');
    expect(server.log).toHaveLength(1);
  } finally {
    await server.close();
  }
});

describe('body framing', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const apps: Record<string, Application> = {
    '/array': lint((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [text('Hello, '), text('world!')];
    }),
    '/one-chunk-generator': lint((_environ, startResponse) => {
      startResponse('200 OK', []);
      return (function* () {
        yield text('only');
      })();
    }),
    '/generator': lint((_environ, startResponse) => {
      startResponse('200 OK', []);
      return (function* () {
        yield text('a');
        yield new Uint8Array(0);
        yield text('b');
      })();
    }),
    '/async': lint((_environ, startResponse) => {
      startResponse('200 OK', []);
      return (async function* () {
        yield text('x');
        yield text('y');
      })();
    }),
    '/lazy-start': lint((_environ, startResponse) =>
      (function* () {
        startResponse('202 Accepted', [['X-Lazy', '1']]);
        yield text('started inside');
      })(),
    ),
    '/empty': lint((_environ, startResponse) => {
      startResponse('200 OK', []);
      return [];
    }),
    '/long-array': (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Length', '5']]);
      return [text('12345'), text('6789')];
    },
    '/short-array': (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Length', '10']]);
      return [text('12345')];
    },
    '/long-stream': (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Length', '5']]);
      return (async function* () {
        yield text('123');
        yield text('456');
        yield text('789');
      })();
    },
    '/short-stream': (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Length', '10']]);
      return (async function* () {
        yield text('123');
        yield text('45');
      })();
    },
    '/204': (_environ, startResponse) => {
      startResponse('204 No Content', []);
      return [text('dropped')];
    },
    '/304': (_environ, startResponse) => {
      startResponse('304 Not Modified', [['ETag', '"1"']]);
      return (function* () {
        yield text('dropped');
      })();
    },
  };
  beforeAll(async () => {
    // unlinted: the wrong Content-Lengths and the 204/304 bodies are sent on purpose; the good apps are linted in the table.
    server = await startServer((environ, startResponse) => apps[environ.PATH_INFO]!(environ, startResponse));
  });
  afterAll(() => server.close());

  test('an array body gets a Content-Length and goes out in one piece', async () => {
    const result = await rawRequest(server.port, GET('/array'));
    expect(headOf(result.text).headers['content-length']).toBe('13');
    expect(headOf(result.text).headers['transfer-encoding']).toBeUndefined();
    expect(bodyOf(result.text)).toBe('Hello, world!');
    expect(result.closed).toBe(false);
  });

  test('a sync body of one chunk gets a Content-Length', async () => {
    const result = await rawRequest(server.port, GET_CLOSE('/one-chunk-generator'));
    expect(headOf(result.text).headers['content-length']).toBe('4');
    expect(bodyOf(result.text)).toBe('only');
  });

  test('other bodies are chunked on HTTP/1.1', async () => {
    for (const path of ['/generator', '/async']) {
      const result = await rawRequest(server.port, GET_CLOSE(path));
      expect(headOf(result.text).headers['transfer-encoding']).toBe('chunked');
      expect(bodyOf(result.text)).toBe(path === '/async' ? '1\r\nx\r\n1\r\ny\r\n0\r\n\r\n' : '1\r\na\r\n1\r\nb\r\n0\r\n\r\n');
    }
  });

  test('and close-delimited on HTTP/1.0', async () => {
    const result = await rawRequest(server.port, 'GET /generator HTTP/1.0\r\n\r\n');
    const { statusLine, headers } = headOf(result.text);
    expect(statusLine).toBe('HTTP/1.1 200 OK');
    expect(headers['transfer-encoding']).toBeUndefined();
    expect(headers['content-length']).toBeUndefined();
    expect(bodyOf(result.text)).toBe('ab');
    expect(result.closed).toBe(true);
  });

  test('startResponse may be called inside the body, before its first chunk', async () => {
    const result = await rawRequest(server.port, GET_CLOSE('/lazy-start'));
    expect(headOf(result.text).statusLine).toBe('HTTP/1.1 202 Accepted');
    expect(headOf(result.text).headers['x-lazy']).toBe('1');
    expect(bodyOf(result.text)).toBe('started inside');
  });

  test('an empty body gets Content-Length: 0', async () => {
    const result = await rawRequest(server.port, GET_CLOSE('/empty'));
    expect(headOf(result.text).headers['content-length']).toBe('0');
    expect(bodyOf(result.text)).toBe('');
  });

  test('never more bytes than the Content-Length says: truncated, connection closed', async () => {
    for (const path of ['/long-array', '/long-stream']) {
      const result = await rawRequest(server.port, GET(path));
      expect(headOf(result.text).headers['content-length']).toBe('5');
      expect(bodyOf(result.text)).toBe('12345');
      expect(result.closed).toBe(true);
    }
  });

  test('fewer bytes than the Content-Length: the connection is closed so the client sees the cut', async () => {
    for (const [path, body] of [
      ['/short-array', '12345'],
      ['/short-stream', '12345'],
    ]) {
      const result = await rawRequest(server.port, GET(path!));
      expect(headOf(result.text).headers['content-length']).toBe('10');
      expect(bodyOf(result.text)).toBe(body);
      expect(result.closed).toBe(true);
    }
  });

  test('204 and 304 send no body', async () => {
    for (const path of ['/204', '/304']) {
      const result = await rawRequest(server.port, GET(path) + GET_CLOSE('/array'));
      expect(result.text).not.toContain('dropped');
      // The next response follows the empty one directly on the same connection.
      expect(result.text).toMatch(new RegExp(`^HTTP/1\\.1 ${path.slice(1)} [^]*?\\r\\n\\r\\nHTTP/1\\.1 200 OK`));
    }
  });
});
