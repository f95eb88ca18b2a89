/**
 * Fastify (no logger). `hello`: one route. `stack`: its own hooks, as no compression
 * plugin is installed: onRequest checks Basic credentials (basic-auth), onSend gzips
 * the payload in one call (zlib level 6, threshold 1024), onResponse writes the
 * combined line; the 20 routes go to its find-my-way router.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { gzipSync } from 'node:zlib';
import { HELLO_TEXT, unknownScenario, type Target } from '../lib/target.js';
import { combinedLine, GZIP_LEVEL, GZIP_THRESHOLD, JSON_10K, JSON_TYPE, openLogStream, parseBasic, PASSWORD, REALM, ROUTES, USER } from '../lib/workload.js';

declare module 'fastify' {
  interface FastifyRequest {
    remoteUser: string | undefined;
  }
}

const GZIP_OPTIONS = { level: GZIP_LEVEL };

function stack(app: FastifyInstance): void {
  const log = openLogStream();
  app.decorateRequest('remoteUser', undefined);
  app.addHook('onRequest', (request, reply, done) => {
    const credentials = parseBasic(request.headers.authorization);
    if (credentials && credentials.name === USER && credentials.pass === PASSWORD) {
      request.remoteUser = credentials.name;
      return done();
    }
    void reply.code(401).header('WWW-Authenticate', `Basic realm="${REALM}"`).type('text/plain').send('Unauthorized');
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (
      (typeof payload === 'string' || Buffer.isBuffer(payload)) &&
      Buffer.byteLength(payload) >= GZIP_THRESHOLD &&
      request.headers['accept-encoding']?.includes('gzip')
    ) {
      void reply.header('Content-Encoding', 'gzip').header('Vary', 'Accept-Encoding');
      return done(null, gzipSync(payload, GZIP_OPTIONS));
    }
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    log.write(
      combinedLine({
        remoteAddr: request.socket.remoteAddress,
        user: request.remoteUser,
        method: request.method,
        url: request.url,
        httpVersion: request.raw.httpVersion,
        status: reply.statusCode,
        length: reply.getHeader('content-length') as string | undefined,
        referer: request.headers.referer,
        userAgent: request.headers['user-agent'],
      }),
    );
    done();
  });
  for (const [method, url] of ROUTES) {
    app.route({
      method: method as 'GET',
      url,
      handler(_request, reply) {
        void reply.type(JSON_TYPE).send(JSON_10K);
      },
    });
  }
}

const target: Target = {
  name: 'fastify',
  scenarios: ['hello', 'stack'],
  async start(scenario, port) {
    const app = Fastify();
    if (scenario === 'stack') stack(app);
    else if (scenario === 'hello') {
      app.get('/', (_request, reply) => {
        void reply.type('text/plain').send(HELLO_TEXT);
      });
    } else unknownScenario('fastify', scenario);
    await app.listen({ port, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    return { port: address.port, close: () => app.close() };
  },
};
export default target;
