/**
 * `showExceptions(options)`, for development (Rack::ShowExceptions, Werkzeug's
 * traceback page without the console): an error from the app below becomes a page
 * with the error and its `cause` chain, each stack frame with the source lines around
 * it from the app's files (TypeScript lines through source maps), the request line and
 * the environ with credentials, cookies and secret-looking values masked (every URL
 * on the page, the Referer's and those in error messages too: see `maskUrl`). A browser
 * gets HTML (inline CSS only, no script, a strict Content-Security-Policy), `Accept:
 * application/json` gets JSON, anything else plain text. Nothing on the page is
 * interactive: no code runs from it.
 *
 * Errors are caught as `httpErrors()` catches them: thrown, rejected, or from the body
 * before its first byte. A 4xx `HttpError` is not an accident: it is rethrown for
 * `httpErrors()` above to answer. Every error shown is also logged to `wsgi.errors`.
 *
 * **Guarded:** `NODE_ENV` is read once, when the stack is built. With `production` it
 * is off (the app is returned as it is) and says so on the console, unless
 * `force: true`; forced on in production it warns too. Any other value, unset
 * included, turns it on: the `tsgi` CLI sets `NODE_ENV=production` when it is unset
 * unless `--reload` or `--dev` is given, other launchers do not. The page shows source
 * code and request data: never let untrusted clients see it.
 *
 * Put it right under `httpErrors()`, above everything else.
 *
 * Needs node:fs, node:module's SourceMap and node:crypto: Node (tested), not Workers.
 *
 * @example
 * const app = compose(httpErrors(), showExceptions())(inner);
 *
 * @see https://github.com/rack/rack/blob/main/lib/rack/show_exceptions.rb
 * @see https://werkzeug.palletsprojects.com/en/stable/debug/
 * @module
 */
import { isHttpError, statusLine, type Application, type Environ, type Middleware, type StartResponse } from '@tsgi/core';
import { exceptionHtml, exceptionPagePolicy, exceptionText } from './exception-page.js';
import { guard } from './guard.js';
import { logError } from './log-error.js';
import type { SecretTest } from './mask.js';
import { negotiateErrorType } from './error-media-type.js';
import { errorHeaders } from './problem.js';
import { exceptionReport } from './report.js';
import { bareName, isSecretName, normalizeName } from './secret-name.js';
import { SourceReader } from './source.js';

export interface ShowExceptionsOptions {
  /**
   * Show the page even when `NODE_ENV` is `production`. Anyone who can make a request
   * fail then sees your source and request data.
   * @default false
   */
  force?: boolean;
  /**
   * Source lines shown on each side of a frame's line.
   * @default 5
   */
  context?: number;
  /**
   * More names to mask, besides those `isSecretName` knows (which always are): tested
   * against each environ key and query parameter name as written, without its `HTTP_`
   * and `x-` prefix, and normalized (`HTTP_X_INTERNAL_REF` -> `INTERNAL_REF` ->
   * `internalref`), e.g. `/^(ssn|internalref)$/`.
   * @default /(?!)/ (nothing more)
   */
  secrets?: RegExp;
}

const DEFAULTS = {
  force: false,
  context: 5,
  secrets: /(?!)/,
} satisfies Required<ShowExceptionsOptions>;

const encoder = new TextEncoder();

/** `NODE_ENV`, on runtimes that have a `process`. */
function nodeEnv(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NODE_ENV;
}

/** The default rule, widened by the `secrets` option. */
function secretTest(secrets: RegExp): SecretTest {
  if (secrets === DEFAULTS.secrets) return isSecretName;
  // A global or sticky RegExp keeps lastIndex between test() calls and would skip matches.
  const extra = secrets.global || secrets.sticky ? new RegExp(secrets.source, secrets.flags.replace(/[gy]/g, '')) : secrets;
  return (name) => {
    if (isSecretName(name) || extra.test(name)) return true;
    const bare = bareName(name);
    return extra.test(bare) || extra.test(normalizeName(bare));
  };
}

/** Shows errors from the app below as a development page; see the module comment. */
export function showExceptions(options: ShowExceptionsOptions = {}): Middleware {
  const force = options.force ?? DEFAULTS.force;
  const context = options.context ?? DEFAULTS.context;
  const secrets = options.secrets ?? DEFAULTS.secrets;
  if (typeof force !== 'boolean') throw new TypeError(`tsgi showExceptions: force must be true or false, got ${String(force)}`);
  if (!Number.isInteger(context) || context < 0) throw new TypeError(`tsgi showExceptions: context must be an integer >= 0, got ${String(context)}`);
  if (!(secrets instanceof RegExp)) throw new TypeError(`tsgi showExceptions: secrets must be a RegExp, got ${String(secrets)}`);
  const isSecret = secretTest(secrets);

  const production = nodeEnv() === 'production';
  if (production && !force) {
    console.warn('tsgi showExceptions: NODE_ENV is "production", so the exception page is off and errors pass on as they are; pass { force: true } only if no untrusted client can reach this server');
    return (app: Application): Application => app;
  }
  if (production) console.warn('tsgi showExceptions: forced on with NODE_ENV=production: every client that makes a request fail sees source code and request data');

  function showException(error: unknown, environ: Environ, startResponse: StartResponse): Uint8Array[] {
    // An expected refusal is the app's answer, not an accident: httpErrors() renders it.
    if (isHttpError(error) && error.status < 500) throw error;
    const report = exceptionReport(error, environ, new SourceReader(context), isSecret);
    const mediaType = negotiateErrorType(environ.HTTP_ACCEPT);
    const headers = errorHeaders(error);
    let body: string;
    if (mediaType === 'text/html') {
      body = exceptionHtml(report);
      headers.push(['Content-Type', 'text/html; charset=utf-8'], ['Content-Security-Policy', exceptionPagePolicy()], ['Referrer-Policy', 'no-referrer']);
    } else if (mediaType === 'text/plain') {
      body = exceptionText(report);
      headers.push(['Content-Type', 'text/plain; charset=utf-8']);
    } else {
      body = JSON.stringify(report, null, 2) + '\n';
      headers.push(['Content-Type', 'application/json']);
    }
    const bytes = encoder.encode(body);
    headers.push(['Content-Length', String(bytes.byteLength)], ['Cache-Control', 'no-store'], ['X-Content-Type-Options', 'nosniff'], ['Vary', 'Accept']);
    startResponse(statusLine(report.status), headers, error);
    logError(environ, 'showExceptions', report.status, error);
    return [bytes];
  }

  return (app: Application): Application => guard(app, showException);
}
