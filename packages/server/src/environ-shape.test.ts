import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import fc from 'fast-check';
import type { Environ } from '@tsgi/core';
import { GatewayConnection } from './client-connection.js';
import { resolveListenerOptions } from './listener.js';
import { buildEnviron, buildEnvironGeneral } from './node-environ.js';
import { NodeInputStream } from './node-input.js';

const config = resolveListenerOptions({ serverName: 'example.test', serverPort: 8080 });

/** A request as node's parser hands it over, on `socket` (a connection's requests share one). */
function requestOf(rawHeaders: string[], socket = new Socket(), url = '/a%20b?x=1'): { req: IncomingMessage; res: ServerResponse } {
  const req = new IncomingMessage(socket);
  req.method = 'POST';
  req.url = url;
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.rawHeaders = rawHeaders;
  return { req, res: new ServerResponse(req) };
}

/** The environ as entries in key order, with wsgi.input told apart only by kind. */
function entries(environ: Environ | undefined): unknown {
  if (environ === undefined) return undefined;
  return Object.entries(environ).map(([key, value]) =>
    key === 'wsgi.input' ? [key, value instanceof NodeInputStream ? 'stream' : 'empty'] : [key, value],
  );
}

function both(rawHeaders: string[], connection?: GatewayConnection): [unknown, unknown] {
  const general = requestOf(rawHeaders);
  const shaped = requestOf(rawHeaders);
  return [
    entries(buildEnvironGeneral(general.req, general.res, config, connection)),
    entries(buildEnviron(shaped.req, shaped.res, config, connection)),
  ];
}

// Names that are alike in the ways that matter: case, the two CGI keys without a prefix,
// an underscore (dropped), Transfer-Encoding (a body), Host (a repeat is refused).
const NAME = fc.constantFrom(
  'Host', 'host', 'Accept', 'accept', 'Cookie', 'Content-Type', 'content-length', 'Content-Length',
  'Transfer-Encoding', 'X-Under_Score', 'User-Agent', 'X-A', 'x-a', 'X-Weird!#$%&\'*+.^`|~',
);
const VALUE = fc.constantFrom('', '0', '3', 'chunked', 'a=1', 'text/plain', 'x, y', '\xe9');

test('the compiled environ is the general path\'s environ: same keys, same order, same values', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(NAME, VALUE), { maxLength: 8 }), fc.boolean(), (pairs, withConnection) => {
      const connection = withConnection ? new GatewayConnection() : undefined;
      const [general, shaped] = both(pairs.flat(), connection);
      expect(shaped).toEqual(general);
      // tsgi.connection is the last key when given, and absent otherwise.
      if (shaped !== undefined) expect((shaped as [string, unknown][]).at(-1)![0] === 'tsgi.connection').toBe(withConnection);
    }),
    { numRuns: 300 },
  );
});

test('a connection reuses its last shape only for the same names, and takes each request\'s values', () => {
  const socket = new Socket();
  const first = requestOf(['Host', 'h1', 'Accept', '*/*'], socket);
  const second = requestOf(['Host', 'h2', 'Accept', 'text/html'], socket);
  const third = requestOf(['Host', 'h3', 'Accept', 'a', 'host', 'h4'], socket);
  const fourth = requestOf(['Host', 'h5', 'Cookie', 'a=1', 'Cookie', 'b=2'], socket);
  expect(buildEnviron(first.req, first.res, config)).toMatchObject({ HTTP_HOST: 'h1', HTTP_ACCEPT: '*/*' });
  expect(buildEnviron(second.req, second.res, config)).toMatchObject({ HTTP_HOST: 'h2', HTTP_ACCEPT: 'text/html' });
  // A repeated Host is still refused after a shape without one served this connection.
  expect(buildEnviron(third.req, third.res, config)).toBeUndefined();
  expect(buildEnviron(fourth.req, fourth.res, config)).toMatchObject({ HTTP_HOST: 'h5', HTTP_COOKIE: 'a=1; b=2' });
});

test('a shaped request with a body gets its wsgi.input: Content-Length, and chunked', () => {
  const sized = requestOf(['Host', 'h', 'Content-Length', '3']);
  const chunked = requestOf(['Host', 'h', 'Transfer-Encoding', 'chunked']);
  const empty = requestOf(['Host', 'h', 'Content-Length', '0']);
  for (let i = 0; i < 2; i++) {
    expect(buildEnviron(sized.req, sized.res, config)!['wsgi.input']).toBeInstanceOf(NodeInputStream);
    expect(buildEnviron(chunked.req, chunked.res, config)!['wsgi.input']).toBeInstanceOf(NodeInputStream);
    expect(buildEnviron(empty.req, empty.res, config)!['wsgi.input']).not.toBeInstanceOf(NodeInputStream);
  }
});
