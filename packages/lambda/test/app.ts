/**
 * The app the lambda tests run: echoes what it saw as JSON, sets two cookies, and has
 * a binary route, a compressed route and a streamed route.
 */
import { compose, readBody, type Application, type Body } from '@tsgi/core';
import { gzip } from '@tsgi/gzip';
import { lint } from '@tsgi/lint';

export const BINARY = Uint8Array.from({ length: 256 }, (_, i) => i);
export const LONG_TEXT = 'tsgi on lambda '.repeat(400);
export const EVENT_GAP_MS = 150;

/** How often each streamed body was closed: the gateway must call close() once. */
export const closes = { count: 0 };

const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');

const inner: Application = async (environ, startResponse) => {
  const path = environ.PATH_INFO;
  if (path === '/binary') {
    startResponse('200 OK', [['Content-Type', 'image/png']]);
    return [Buffer.from(BINARY)];
  }
  if (path === '/long') {
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [Buffer.from(LONG_TEXT)];
  }
  if (path === '/events') {
    startResponse('200 OK', [['Content-Type', 'text/event-stream'], ['Cache-Control', 'no-store']]);
    const body = (async function* events() {
      for (let i = 1; i <= 3; i++) {
        if (i > 1) await new Promise((resolve) => setTimeout(resolve, EVENT_GAP_MS));
        yield Buffer.from(`data: ${i}\n\n`);
      }
    })() as Body;
    body.close = () => {
      closes.count += 1;
    };
    return body;
  }
  const body = await readBody(environ, { limit: 1 << 20 });
  const context = environ['lambda.request_context'] as { requestId?: string } | undefined;
  const seen = {
    method: environ.REQUEST_METHOD,
    scriptName: utf8(environ.SCRIPT_NAME),
    pathInfo: utf8(path),
    query: environ.QUERY_STRING,
    requestUri: environ.REQUEST_URI,
    remoteAddr: environ.REMOTE_ADDR,
    scheme: environ['wsgi.url_scheme'],
    serverName: environ.SERVER_NAME,
    serverPort: environ.SERVER_PORT,
    host: environ.HTTP_HOST,
    cookie: environ.HTTP_COOKIE,
    accept: environ.HTTP_ACCEPT,
    contentType: environ.CONTENT_TYPE,
    contentLength: environ.CONTENT_LENGTH,
    requestId: context?.requestId,
    body: Buffer.from(body).toString('utf8'),
  };
  startResponse('200 OK', [
    ['Content-Type', 'application/json'],
    ['Set-Cookie', 'session=s1; Path=/; HttpOnly'],
    ['Set-Cookie', 'theme=dark; Path=/'],
    ['Vary', 'Accept'],
  ]);
  return [Buffer.from(JSON.stringify(seen))];
};

/** The app as a user would deploy it: gzip for large bodies, lint on both sides. */
export const app: Application = lint(compose(gzip({ threshold: 1024 }))(lint(inner)));
