/**
 * The server side of lint: checks the environ a server passes to an application,
 * as wsgiref.validate's check_environ and Rack::Lint's check_environment do.
 * Put lint around a whole stack (right under the gateway) to check the gateway, or
 * between two middleware layers to check what the outer one hands down.
 *
 * @see https://peps.python.org/pep-3333/#environ-variables
 * @module
 */
import { isNativeString, isToken } from '@tsgi/core';
import { LintError, show } from './lint-error.js';

/** CGI variables every request carries; the first group can never be empty. */
const NON_EMPTY_KEYS = ['REQUEST_METHOD', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL'] as const;
const MAY_BE_EMPTY_KEYS = ['SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING'] as const;
const DIGITS = /^\d+$/;
const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;
const SPAN_ID = /^(?!0{16})[0-9a-f]{16}$/;
const PROTOCOL = /^HTTP\/\d(\.\d)?$/;

/** Throws a `LintError` for the first rule `environ` breaks. */
export function checkEnviron(environ: unknown): void {
  if (typeof environ !== 'object' || environ === null || Array.isArray(environ)) {
    throw new LintError('environ.type', `environ is ${show(environ)}`);
  }
  const proto = Object.getPrototypeOf(environ);
  if (proto !== Object.prototype && proto !== null) {
    throw new LintError('environ.type', `environ is ${show(environ)}, not a plain object`);
  }
  const env = environ as Record<string, unknown>;

  for (const key of NON_EMPTY_KEYS) {
    if (env[key] === undefined || env[key] === '') {
      throw new LintError('environ.required-key', `environ.${key} is ${show(env[key])}; it must be a non-empty string`);
    }
  }
  for (const key of MAY_BE_EMPTY_KEYS) {
    if (!(key in env)) throw new LintError('environ.required-key', `environ has no ${key}`);
  }
  // Every CGI-ish key (no dot; extensions are dotted) holds a string.
  for (const key in env) {
    if (key.includes('.')) continue;
    const value = env[key];
    if (typeof value !== 'string') {
      throw new LintError('environ.cgi-string', `environ.${key} is ${show(value)}, not a string`);
    }
    if (!isNativeString(value)) {
      throw new LintError('environ.native-string', `environ.${key} is ${show(value)}, which has a character above U+00FF`);
    }
  }
  if ('HTTP_CONTENT_TYPE' in env || 'HTTP_CONTENT_LENGTH' in env) {
    const key = 'HTTP_CONTENT_TYPE' in env ? 'HTTP_CONTENT_TYPE' : 'HTTP_CONTENT_LENGTH';
    throw new LintError('environ.http-content', `environ has the key ${key}`);
  }
  const contentLength = env.CONTENT_LENGTH as string | undefined;
  if (contentLength !== undefined && contentLength !== '' && !DIGITS.test(contentLength)) {
    throw new LintError('environ.content-length', `CONTENT_LENGTH is ${show(contentLength)}`);
  }

  const version = env['wsgi.version'];
  if (!Array.isArray(version) || version.length !== 2 || version[0] !== 1 || version[1] !== 0) {
    throw new LintError('environ.wsgi-version', `wsgi.version is ${show(version)}`);
  }
  const scheme = env['wsgi.url_scheme'];
  if (scheme !== 'http' && scheme !== 'https') {
    throw new LintError('environ.url-scheme', `wsgi.url_scheme is ${show(scheme)}`);
  }
  const input = env['wsgi.input'] as Record<string | symbol, unknown> | undefined;
  for (const method of ['read', 'readline', 'readlines', Symbol.asyncIterator] as const) {
    if (typeof input?.[method] !== 'function') {
      throw new LintError('environ.input', `wsgi.input (${show(input)}) has no ${String(method)}()`);
    }
  }
  const errors = env['wsgi.errors'] as Record<string, unknown> | undefined;
  for (const method of ['write', 'writelines', 'flush'] as const) {
    if (typeof errors?.[method] !== 'function') {
      throw new LintError('environ.errors', `wsgi.errors (${show(errors)}) has no ${method}()`);
    }
  }
  for (const flag of ['wsgi.multithread', 'wsgi.multiprocess', 'wsgi.run_once'] as const) {
    if (typeof env[flag] !== 'boolean') throw new LintError('environ.wsgi-flags', `${flag} is ${show(env[flag])}`);
  }

  const pathInfo = env.PATH_INFO as string;
  if (pathInfo !== '' && pathInfo[0] !== '/') {
    throw new LintError('environ.path-info', `PATH_INFO is ${show(pathInfo)}`);
  }
  const scriptName = env.SCRIPT_NAME as string;
  if (scriptName === '/' || (scriptName !== '' && scriptName[0] !== '/')) {
    throw new LintError('environ.script-name', `SCRIPT_NAME is ${show(scriptName)}`);
  }
  if (!isToken(env.REQUEST_METHOD as string)) {
    throw new LintError('environ.request-method', `REQUEST_METHOD is ${show(env.REQUEST_METHOD)}`);
  }
  if (!DIGITS.test(env.SERVER_PORT as string)) {
    throw new LintError('environ.server-port', `SERVER_PORT is ${show(env.SERVER_PORT)}`);
  }
  if (!PROTOCOL.test(env.SERVER_PROTOCOL as string)) {
    throw new LintError('environ.server-protocol', `SERVER_PROTOCOL is ${show(env.SERVER_PROTOCOL)}`);
  }
  checkExtensionKeys(env);
}

/**
 * The tsgi.* keys a layer may add (docs/spec.md): checked on the way in, and again
 * once the app returned, since a router below sets tsgi.route on the same environ.
 */
export function checkExtensionKeys(env: Record<string, unknown>): void {
  const route = env['tsgi.route'];
  if (route !== undefined && (typeof route !== 'string' || route[0] !== '/')) {
    throw new LintError('environ.route', `tsgi.route is ${show(route)}`);
  }
  const trace = env['tsgi.trace'] as { traceId?: unknown; spanId?: unknown } | undefined;
  if (trace !== undefined) {
    const valid =
      typeof trace === 'object' &&
      trace !== null &&
      typeof trace.traceId === 'string' &&
      TRACE_ID.test(trace.traceId) &&
      typeof trace.spanId === 'string' &&
      SPAN_ID.test(trace.spanId);
    if (!valid) throw new LintError('environ.trace', `tsgi.trace is ${show(trace)}`);
  }
  checkMiddlewareKeys(env);
}

const TOKEN_ID = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,200}$/;
const BASE64 = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The keys tsgi's middleware packages publish (docs/spec.md's environ table). */
function checkMiddlewareKeys(env: Record<string, unknown>): void {
  const id = env['tsgi.request_id'];
  if (id !== undefined && (typeof id !== 'string' || !TOKEN_ID.test(id))) {
    throw new LintError('environ.request-id', `tsgi.request_id is ${show(id)}`);
  }
  const view = env['tsgi.request'];
  if (view !== undefined && !isObject(view)) throw new LintError('environ.request', `tsgi.request is ${show(view)}`);
  const nonce = env['tsgi.csp_nonce'];
  if (nonce !== undefined && (typeof nonce !== 'string' || !BASE64.test(nonce))) {
    throw new LintError('environ.csp-nonce', `tsgi.csp_nonce is ${show(nonce)}`);
  }
  const token = env['tsgi.csrf_token'];
  if (token !== undefined && (typeof token !== 'string' || token === '')) {
    throw new LintError('environ.csrf-token', `tsgi.csrf_token is ${show(token)}`);
  }
  const counted = env['tsgi.rate_limit'];
  if (
    counted !== undefined &&
    !(isObject(counted) && Number.isInteger(counted.limit) && (counted.limit as number) > 0 && typeof counted.remaining === 'number' && counted.remaining >= 0 && typeof counted.allowed === 'boolean')
  ) {
    throw new LintError('environ.rate-limit', `tsgi.rate_limit is ${show(counted)}`);
  }
  const limit = env['tsgi.timeout'];
  if (limit !== undefined && !(isObject(limit) && typeof limit.ms === 'number' && limit.ms > 0 && typeof limit.timedOut === 'boolean')) {
    throw new LintError('environ.timeout', `tsgi.timeout is ${show(limit)}`);
  }
  const timing = env['tsgi.server_timing'];
  if (timing !== undefined && !(isObject(timing) && typeof timing.add === 'function' && typeof timing.start === 'function' && typeof timing.end === 'function')) {
    throw new LintError('environ.server-timing', `tsgi.server_timing is ${show(timing)}`);
  }
}
