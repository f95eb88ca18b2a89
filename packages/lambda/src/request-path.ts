/**
 * The path of a Lambda event as the app gets it, and the paths it must not get.
 *
 * API Gateway and ALB hand over a path that no HTTP parser has checked against the
 * app's expectations: a test event, or an integration that decoded it, can carry a
 * path without a leading '/', an absolute (`http://x/..`) or scheme-relative
 * (`//host/..`) URL, CR/LF or other control characters, raw or percent-encoded. A
 * server never gives an app such a `PATH_INFO` (PEP 3333: it starts with '/'; a
 * leading `//` reads as another host to the first redirect built from it; CR/LF in
 * a path ends up in a `Location` header or a log line), so `toLambda` answers 400.
 *
 * @example
 * badPath('//evil.example/x'); // "'//' (a scheme-relative URL)"
 * mount('/prod/items', '/prod'); // ['/prod', '/items']
 *
 * @see https://peps.python.org/pep-3333/#environ-variables (PATH_INFO)
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-3.2.1 (origin-form)
 * @module
 */
import { decodePathInfo } from '@tsgi/core/gateway';
import { loneSurrogate } from './event-error.js';

/** Non-ASCII characters an integration decoded are sent on as their UTF-8 escapes. */
export function asSent(text: string): string {
  return /[^\x00-\x7f]/.test(text) ? text.replace(/[^\x00-\x7f]+/g, (run) => encodeURIComponent(run)) : text;
}

/** C0 controls and DEL: never in a request target, raw or (for PATH_INFO) decoded. */
const CONTROL = /[\x00-\x1f\x7f]/;

/** Why `path`, as the event gives it, cannot be a request's path; undefined when it can. */
export function badPath(path: string): string | undefined {
  if (loneSurrogate(path) >= 0) return 'a lone surrogate';
  if (path[0] !== '/') return "no leading '/'";
  if (path[1] === '/') return "'//' (a scheme-relative URL)";
  if (CONTROL.test(path)) return 'a control character';
  return undefined;
}

/** Why the environ's SCRIPT_NAME and PATH_INFO made of these would be unsafe; undefined when safe. */
export function badTarget(scriptName: string, path: string): string | undefined {
  const pathInfo = decodePathInfo(path);
  if (pathInfo[1] === '/' && pathInfo[0] === '/') return "PATH_INFO would start with '//'";
  if (CONTROL.test(pathInfo) || CONTROL.test(decodePathInfo(scriptName))) return 'a percent-encoded control character';
  return undefined;
}

function startsWithSegment(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + '/');
}

/** Moves `prefix` (a path without a trailing '/') from the front of the path into the mount. */
export function mount(path: string, prefix: string): [scriptName: string, path: string] {
  if (prefix === '' || !startsWithSegment(path, prefix)) return ['', path];
  return [prefix, path.slice(prefix.length) || '/'];
}
