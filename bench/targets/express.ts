/**
 * Express 5. `hello`: its defaults, one route; `hello+rate-limit` adds express-rate-limit
 * (memory store, draft-8 fields). `stack`: morgan('combined') to the
 * shared log stream, compression({ level: 6 }), a basic-auth check and an
 * express.Router over the 20 routes. `hello+cors` and `hello+helmet` add the cors
 * package (one allowed origin, credentials) and helmet (its defaults without HSTS). `json`: the plain Express app that `wrap`
 * measures on node:http and through tsgi's fromNodeListener; `json+mw` adds morgan
 * and compression. `gzip-json` is that app under compression alone, `gzip-json+tsgi`
 * under tsgi's gzip() mounted by toConnect (the `adapters` scenario); `json-post` parses a
 * JSON POST with express.json(); `upload` reads a multipart body with multer (its
 * storage engine API counting the file's bytes as they stream, nothing kept) and
 * `upload-disk` with multer's disk storage (the file written to a temp dir, removed
 * after the answer). ETag and X-Powered-By are off outside `hello`, as tsgi sends neither.
 */
import { createServer, type RequestListener } from 'node:http';
import compression from 'compression';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import morgan from 'morgan';
import multer from 'multer';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { toConnect } from '@tsgi/adapters';
import { gzip } from '@tsgi/gzip';
import { listen } from '../lib/listen.js';
import { CORS_ORIGIN } from '../lib/websec.js';
import { HELLO_TEXT, RATE_LIMIT_QUOTA, unknownScenario, type Target } from '../lib/target.js';
import { GZIP_LEVEL, GZIP_THRESHOLD, JSON_10K, JSON_TYPE, openLogStream, parseBasic, PASSWORD, POST_LIMIT, POST_PATH, REALM, ROUTES, STACK_PATH, UPLOAD_LIMIT, UPLOAD_PATH, uploadAnswer, USER } from '../lib/workload.js';

function sendJson(_req: Request, res: Response): void {
  res.set('Content-Type', JSON_TYPE).send(JSON_10K);
}

function basicCheck(req: Request, res: Response, next: NextFunction): void {
  const credentials = parseBasic(req.headers.authorization);
  if (credentials && credentials.name === USER && credentials.pass === PASSWORD) return next();
  res.status(401).set('WWW-Authenticate', `Basic realm="${REALM}"`).type('text/plain').send('Unauthorized');
}

function bare(): express.Express {
  const app = express();
  app.set('etag', false);
  app.disable('x-powered-by');
  return app;
}

/** The Express app of each scenario; tsgi's `wrap-*` scenarios wrap `expressApp('json')`. */
export function expressApp(scenario: string): RequestListener {
  if (scenario === 'hello' || scenario === 'hello+cors' || scenario === 'hello+helmet' || scenario === 'hello+rate-limit') {
    const app = express();
    if (scenario === 'hello+cors') app.use(cors({ origin: [CORS_ORIGIN], credentials: true }));
    // No HSTS: the bench is plain HTTP, where secureHeaders() sends none.
    if (scenario === 'hello+helmet') app.use(helmet({ strictTransportSecurity: false }));
    if (scenario === 'hello+rate-limit') {
      app.use(rateLimit({ windowMs: 60_000, limit: RATE_LIMIT_QUOTA, standardHeaders: 'draft-8', legacyHeaders: false }));
    }
    app.get('/', (_req, res) => {
      res.type('text/plain').send(HELLO_TEXT);
    });
    return app;
  }
  const app = bare();
  if (scenario === 'json' || scenario === 'json+mw') {
    if (scenario === 'json+mw') {
      app.use(morgan('combined', { stream: openLogStream() }));
      app.use(compression({ level: GZIP_LEVEL, threshold: GZIP_THRESHOLD }));
    }
    app.get(STACK_PATH.replace(/\d+$/, ':id'), sendJson);
    return app;
  }
  if (scenario === 'gzip-json' || scenario === 'gzip-json+tsgi') {
    const options = { level: GZIP_LEVEL, threshold: GZIP_THRESHOLD };
    app.use(scenario === 'gzip-json' ? compression(options) : toConnect(gzip(options)));
    app.get(STACK_PATH.replace(/\d+$/, ':id'), sendJson);
    return app;
  }
  if (scenario === 'json-post') {
    app.post(POST_PATH, express.json({ limit: POST_LIMIT }), (req, res) => {
      res.json({ received: (req.body as unknown[]).length });
    });
    return app;
  }
  if (scenario === 'upload' || scenario === 'upload-disk') {
    const counting: multer.StorageEngine = {
      _handleFile(_req, file, done) {
        let size = 0;
        file.stream.on('data', (chunk: Buffer) => (size += chunk.byteLength));
        file.stream.on('end', () => done(null, { size }));
        file.stream.on('error', done);
      },
      _removeFile(_req, _file, done) {
        done(null);
      },
    };
    const storage = scenario === 'upload' ? counting : multer.diskStorage({ destination: tmpdir() });
    const uploads = multer({ storage, limits: { fileSize: UPLOAD_LIMIT, fieldSize: UPLOAD_LIMIT } });
    app.post(UPLOAD_PATH, uploads.single('photo'), (req, res) => {
      const fields = req.body as Record<string, string>;
      res.type(JSON_TYPE).send(uploadAnswer(Object.keys(fields).length, fields.title, req.file?.size ?? -1));
      if (req.file?.path !== undefined) void unlink(req.file.path);
    });
    return app;
  }
  if (scenario !== 'stack') unknownScenario('express', scenario);
  app.use(morgan('combined', { stream: openLogStream() }));
  app.use(compression({ level: GZIP_LEVEL, threshold: GZIP_THRESHOLD }));
  app.use(basicCheck);
  const routes = express.Router();
  for (const [method, pattern] of ROUTES) routes[method.toLowerCase() as 'get'](pattern, sendJson);
  app.use(routes);
  return app;
}

const target: Target = {
  name: 'express 5',
  scenarios: ['hello', 'hello+cors', 'hello+helmet', 'hello+rate-limit', 'stack', 'json', 'json+mw', 'gzip-json', 'gzip-json+tsgi', 'json-post', 'upload', 'upload-disk'],
  start(scenario, port) {
    if (!this.scenarios.includes(scenario)) unknownScenario('express', scenario);
    return listen(createServer(expressApp(scenario)), port);
  },
};
export default target;
