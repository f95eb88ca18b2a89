/**
 * Fastify (no logger). `hello`: one route. `stack`: Fastify's own plugins where it has
 * them: @fastify/basic-auth in onRequest, @fastify/compress (gzip level 6 above 1024
 * bytes), an onResponse hook writing the combined line (pino's default line is JSON,
 * not Apache's); the 20 routes go to its find-my-way router. `stack-oneshot` swaps
 * @fastify/compress for a hand-written onSend hook that gzips in one call, the
 * fastest a Fastify app can be made to compress. `gzip-json`: the 10 KB JSON under
 * @fastify/compress; `gzip-json+tsgi`: under tsgi's gzip() mounted by toFastify (the
 * `adapters` scenario). `stack+otel`: the stack under @fastify/otel (its plugin
 * registered first, hooks instrumented as by default) with the SDK of bench/lib/otel-sdk.ts.
 * `adapters` scenario). `json-post`: a JSON POST through Fastify's own body parser.
 * `upload`: a multipart body through @fastify/multipart's `request.parts()`, fields
 * read, the file's stream counted as it passes.
 */
import fastifyMultipart from '@fastify/multipart';
import fastifyBasicAuth from '@fastify/basic-auth';
import fastifyCompress from '@fastify/compress';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import Fastify, { type FastifyInstance } from 'fastify';
import { toFastify } from '@tsgi/adapters';
import { gzip } from '@tsgi/gzip';
import { constants, gzipSync } from 'node:zlib';
import { startSdk, type BenchSdk } from '../lib/otel-sdk.js';
import { HELLO_TEXT, unknownScenario, type Target } from '../lib/target.js';
import { combinedLine, GZIP_LEVEL, GZIP_THRESHOLD, JSON_10K, JSON_TYPE, openLogStream, parseBasic, PASSWORD, POST_LIMIT, POST_PATH, REALM, ROUTES, STACK_PATH, UPLOAD_LIMIT, UPLOAD_PATH, uploadAnswer, USER } from '../lib/workload.js';

declare module 'fastify' {
  interface FastifyRequest {
    remoteUser: string | undefined;
  }
}

const GZIP_OPTIONS = { level: GZIP_LEVEL };

/** Fastify's own plugins for auth and compression. */
async function plugins(app: FastifyInstance): Promise<void> {
  app.decorateRequest('remoteUser', undefined);
  await app.register(fastifyBasicAuth, {
    authenticate: { realm: REALM },
    validate(username, password, request, _reply, done) {
      if (username === USER && password === PASSWORD) {
        request.remoteUser = username;
        done();
      } else done(new Error('Unauthorized'));
    },
  });
  app.addHook('onRequest', app.basicAuth);
  await app.register(fastifyCompress, {
    global: true,
    threshold: GZIP_THRESHOLD,
    encodings: ['gzip'],
    zlibOptions: { level: GZIP_LEVEL },
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
}

/** The fastest hand-written equivalent: a string compare and a one-shot gzip in onSend. */
function oneShot(app: FastifyInstance): void {
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
}

function logAndRoutes(app: FastifyInstance): void {
  const log = openLogStream();
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
  scenarios: ['hello', 'stack', 'stack+otel', 'stack-oneshot', 'gzip-json', 'gzip-json+tsgi', 'json-post', 'upload'],
  async start(scenario, port) {
    const app = Fastify({ bodyLimit: POST_LIMIT });
    let sdk: BenchSdk | undefined;
    if (scenario === 'stack+otel') {
      sdk = startSdk();
      const instrumentation = new FastifyOtelInstrumentation();
      instrumentation.setTracerProvider(sdk.tracerProvider);
      await app.register(instrumentation.plugin());
      await plugins(app);
      logAndRoutes(app);
    } else if (scenario === 'stack') {
      await plugins(app);
      logAndRoutes(app);
    } else if (scenario === 'stack-oneshot') {
      oneShot(app);
      logAndRoutes(app);
    } else if (scenario === 'gzip-json' || scenario === 'gzip-json+tsgi') {
      if (scenario === 'gzip-json') {
        await app.register(fastifyCompress, { global: true, threshold: GZIP_THRESHOLD, encodings: ['gzip'], zlibOptions: { level: GZIP_LEVEL } });
      } else await app.register(toFastify(gzip({ level: GZIP_LEVEL, threshold: GZIP_THRESHOLD })));
      app.get(STACK_PATH.replace(/\d+$/, ':id'), (_request, reply) => {
        void reply.type(JSON_TYPE).send(JSON_10K);
      });
    } else if (scenario === 'json-post') {
      // Fastify's own content-type parser for application/json (secure-json-parse).
      app.post(POST_PATH, (request, reply) => {
        void reply.send({ received: (request.body as unknown[]).length });
      });
    } else if (scenario === 'upload') {
      await app.register(fastifyMultipart, { limits: { fileSize: UPLOAD_LIMIT, fieldSize: UPLOAD_LIMIT } });
      app.post(UPLOAD_PATH, async (request, reply) => {
        let fields = 0;
        let title: string | undefined;
        let size = 0;
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            for await (const chunk of part.file) size += (chunk as Buffer).byteLength;
          } else {
            fields++;
            if (part.fieldname === 'title') title = String(part.value);
          }
        }
        return reply.type(JSON_TYPE).send(uploadAnswer(fields, title, size));
      });
    } else if (scenario === 'hello') {
      app.get('/', (_request, reply) => {
        void reply.type('text/plain').send(HELLO_TEXT);
      });
    } else unknownScenario('fastify', scenario);
    await app.listen({ port, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    return {
      port: address.port,
      async close() {
        await app.close();
        await sdk?.close();
      },
    };
  },
};
export default target;
