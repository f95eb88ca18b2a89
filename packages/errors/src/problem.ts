/**
 * An error as an RFC 9457 problem (`type`, `title`, `status`, `detail`, `instance`)
 * and the problem as a body in each negotiated form.
 *
 * Any thrown object with a 4xx/5xx `status` keeps that status, but what else reaches
 * the client depends on who made it, as in Koa and finalhandler:
 * - core's `HttpError` (and this package's status classes) was made to be answered:
 *   its message goes out when it exposes it (the default below 500, `expose: true`
 *   above), and its headers (`Allow`, `WWW-Authenticate`, `Retry-After`) go out.
 * - anything else with a `status` (an HTTP client's error, an SDK's) was made for the
 *   programmer: its message can hold the upstream URL with an API key, its `headers`
 *   the upstream's `Set-Cookie`. Its headers never go out, and its message only for a
 *   4xx that says `expose: true` (http-errors' errors do); otherwise the client gets the
 *   status's reason phrase. A 5xx of this kind never shows its message.
 * Never a stack.
 *
 * @example
 * const problem = toProblem(new NotFound('no user 7'), environ);
 * // { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no user 7', instance: '/users/7' }
 * renderProblem(problem, 'application/problem+json');
 *
 * @see https://www.rfc-editor.org/rfc/rfc9457#section-3.1 (members of a problem details object)
 * @module
 */
import { HttpError, isHttpError, quotePath, statusLine, type Environ, type ResponseHeaders } from '@tsgi/core';
import { escapeHtml } from './html.js';
import { negotiateErrorType, type ErrorMediaType } from './error-media-type.js';

/** RFC 9457 problem details. */
export interface Problem {
  /** A URI naming the problem type; `about:blank` means "just the status". */
  type: string;
  /** The status's reason phrase for `about:blank`. */
  title: string;
  status: number;
  /** The error's message, when the error exposes it. */
  detail?: string;
  /** The request path this occurrence happened on. */
  instance?: string;
}

/** A rendered error body and its media type. */
export interface ErrorRendering {
  contentType: string;
  body: string | Uint8Array;
}

/** What a custom renderer is told besides the problem. */
export interface ErrorRenderContext {
  /** The thrown value, as caught (an `HttpError`, any other error, anything). */
  error: unknown;
  environ: Environ;
  /** What `Accept` chose; a renderer may follow it or not. */
  mediaType: ErrorMediaType;
}

/** Renders one status's errors in a form of your own (see `httpErrors({ renderers })`). */
export type ErrorRenderer = (problem: Problem, context: ErrorRenderContext) => ErrorRendering;

/** The response status for anything thrown: an `HttpError`'s (from any package), else 500. */
export function errorStatus(error: unknown): number {
  return isHttpError(error) ? error.status : 500;
}

/** Whether the client may read `error`'s message; see the module comment. */
function exposesMessage(error: unknown, status: number): error is { message: unknown } {
  if (error instanceof HttpError) return error.expose;
  return status < 500 && isHttpError(error) && error.expose === true;
}

/** The problem details for `error`; see the module comment for what is exposed. */
export function toProblem(error: unknown, environ: Environ): Problem {
  const status = errorStatus(error);
  const title = statusLine(status).slice(4);
  const problem: Problem = { type: 'about:blank', title, status };
  if (exposesMessage(error, status)) {
    const message = typeof error.message === 'string' ? error.message : '';
    if (message !== '' && message !== title) problem.detail = message;
  }
  problem.instance = quotePath(environ.SCRIPT_NAME + environ.PATH_INFO) || '/';
  return problem;
}

const FIXED_HEADERS = new Set(['content-type', 'content-length']);

/**
 * The headers an `HttpError` asks for (`Allow`, `WWW-Authenticate`, `Retry-After`),
 * as `[name, value]` pairs (a subclass may keep a plain object). Only core's
 * `HttpError` is asked: another error's `headers` are usually an upstream response's
 * (`Set-Cookie`, `Location`), not meant for this client. The body's own Content-Type
 * and Content-Length are not the error's to set.
 */
export function errorHeaders(error: unknown): ResponseHeaders {
  const headers = error instanceof HttpError ? (error as { headers?: unknown }).headers : undefined;
  if (headers === null || typeof headers !== 'object') return [];
  const pairs: ResponseHeaders = [];
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  for (const entry of entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || FIXED_HEADERS.has(entry[0].toLowerCase())) continue;
    pairs.push([entry[0], String(entry[1])]);
  }
  return pairs;
}

/** The problem in the negotiated form. */
export function renderProblem(problem: Problem, mediaType: ErrorMediaType): ErrorRendering {
  const line = `${problem.status} ${problem.title}`;
  switch (mediaType) {
    case 'application/problem+json':
    case 'application/json':
      // RFC 9457's member order, whatever order the problem was filled in.
      return { contentType: mediaType, body: JSON.stringify({ type: problem.type, title: problem.title, status: problem.status, detail: problem.detail, instance: problem.instance }) + '\n' };
    case 'text/html': {
      const detail = problem.detail === undefined ? '' : `<p>${escapeHtml(problem.detail)}</p>`;
      const title = escapeHtml(line);
      return {
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n<body><h1>${title}</h1>${detail}</body></html>\n`,
      };
    }
    default:
      return { contentType: 'text/plain; charset=utf-8', body: problem.detail === undefined ? `${line}\n` : `${line}\n${problem.detail}\n` };
  }
}

/** Checks a `renderers` option once, at factory time: `{ [400-599]: function }`. */
export function resolveRenderers(renderers: unknown, who: string): ReadonlyMap<number, ErrorRenderer> {
  if (renderers === null || typeof renderers !== 'object') {
    throw new TypeError(`tsgi ${who}: renderers must be an object of status -> function, got ${String(renderers)}`);
  }
  const table = new Map<number, ErrorRenderer>();
  for (const [key, renderer] of Object.entries(renderers)) {
    const status = Number(key);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`tsgi ${who}: renderers keys must be statuses from 400 to 599, got ${JSON.stringify(key)}`);
    }
    if (typeof renderer !== 'function') {
      throw new TypeError(`tsgi ${who}: renderers[${key}] must be a function (problem, context) => { contentType, body }, got ${typeof renderer}`);
    }
    table.set(status, renderer as ErrorRenderer);
  }
  return table;
}

const encoder = new TextEncoder();

/**
 * The response for `problem`: `headers` (the error's own, or the app's) with the
 * body's Content-Type, Content-Length and `Vary: Accept` added, and the body's bytes,
 * from the status's renderer if there is one, else in the form `Accept` chose.
 */
export function problemResponse(
  problem: Problem,
  error: unknown,
  environ: Environ,
  renderers: ReadonlyMap<number, ErrorRenderer>,
  headers: ResponseHeaders,
): Uint8Array {
  const mediaType = negotiateErrorType(environ.HTTP_ACCEPT);
  const renderer = renderers.get(problem.status);
  const rendering = renderer === undefined ? renderProblem(problem, mediaType) : renderer(problem, { error, environ, mediaType });
  const bytes = typeof rendering.body === 'string' ? encoder.encode(rendering.body) : rendering.body;
  headers.push(['Content-Type', rendering.contentType], ['Content-Length', String(bytes.byteLength)], ['Vary', 'Accept']);
  return bytes;
}
