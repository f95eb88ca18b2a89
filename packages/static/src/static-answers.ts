/**
 * The short answers a file server gives besides files: 403, 404, 405, 412, 416 and the
 * directory redirect. Each is a plain-text body naming only the status, never an fs
 * error (paths and errno text are the server's business, not the client's). Under
 * `throwHttpErrors` the errors among them are thrown as core's `HttpError` instead,
 * with the same headers, for `httpErrors()` above to render.
 *
 * @example
 * return textResponse(startResponse, 404);
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15 (status codes)
 * @module
 */
import { HttpError, statusLine, type Body, type ResponseHeaders, type StartResponse } from '@tsgi/core';

const encoder = new TextEncoder();
const TEXTS = new Map<number, Uint8Array>();

/** `"<code> <reason>\n"` as text/plain, with `headers` added before the length: status, headers and body. */
export function textAnswer(code: number, headers: ResponseHeaders = []): { status: string; headers: ResponseHeaders; body: Body } {
  const status = statusLine(code);
  let text = TEXTS.get(code);
  if (text === undefined) {
    text = encoder.encode(status + '\n');
    TEXTS.set(code, text);
  }
  return {
    status,
    headers: [...headers, ['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', String(text.byteLength)]],
    body: [text],
  };
}

/** {@link textAnswer}, sent through `startResponse`. */
export function textResponse(startResponse: StartResponse, code: number, headers: ResponseHeaders = []): Body {
  const answer = textAnswer(code, headers);
  startResponse(answer.status, answer.headers);
  return answer.body;
}

/**
 * An error answer (4xx): `textResponse`, or with `throwHttpErrors` core's `HttpError`
 * with the same status and `headers` (Allow, Content-Range), thrown.
 */
export function refuse(throwHttpErrors: boolean, startResponse: StartResponse, code: number, headers: ResponseHeaders = []): Body {
  if (throwHttpErrors) throw new HttpError(code, undefined, { headers: headers.slice() });
  return textResponse(startResponse, code, headers);
}

/** The methods a file answers; anything else gets 405 with this in `Allow`. */
export const ALLOW = 'GET, HEAD';

/** True for GET and HEAD. */
export function isReadMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** 405 Method Not Allowed with `Allow: GET, HEAD`, answered or thrown. */
export function methodNotAllowed(throwHttpErrors: boolean, startResponse: StartResponse): Body {
  return refuse(throwHttpErrors, startResponse, 405, [['Allow', ALLOW]]);
}
