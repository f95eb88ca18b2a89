/**
 * What `csrf()` does with a request it refuses: a `403 Forbidden` with a one-line text
 * body saying why (the bodies encoded once), `environ['tsgi.csrf_error']` set to the
 * reason; or, with `throwHttpErrors`, core's `HttpError` thrown for `httpErrors()` from
 * @tsgi/errors to render like every other error.
 *
 * @example
 * return refuse(environ, startResponse, 'cross-site', false);
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4 (403 Forbidden)
 * @module
 */
import { HttpError, statusLine, type Body, type Environ, type StartResponse } from '@tsgi/core';
import type { CsrfReason } from './check.js';

export const MESSAGES: Record<CsrfReason, string> = {
  'cross-site': 'Forbidden: cross-site request (Sec-Fetch-Site) from an origin that is not trusted.',
  'same-site': 'Forbidden: same-site request from an origin that is not trusted.',
  'origin-mismatch': "Forbidden: the Origin header is not this site's origin nor a trusted one.",
  'missing-origin': 'Forbidden: the request carries neither Sec-Fetch-Site nor Origin.',
  'missing-token': 'Forbidden: the CSRF token is missing.',
  'invalid-token': 'Forbidden: the CSRF token does not match.',
  'form-too-large': 'Payload Too Large: the form is over the size csrf() reads for its token.',
};

const encoder = new TextEncoder();
const BODIES = Object.fromEntries(Object.entries(MESSAGES).map(([reason, text]) => [reason, encoder.encode(text + '\n')])) as Record<CsrfReason, Uint8Array>;
const FORBIDDEN = statusLine(403);
const TOO_LARGE = statusLine(413);

export function refuse(environ: Environ, startResponse: StartResponse, reason: CsrfReason, throwHttpErrors: boolean): Body {
  environ['tsgi.csrf_error'] = reason;
  const status = reason === 'form-too-large' ? 413 : 403;
  if (throwHttpErrors) throw new HttpError(status, MESSAGES[reason]);
  const body = BODIES[reason];
  startResponse(status === 403 ? FORBIDDEN : TOO_LARGE, [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(body.byteLength)],
  ]);
  return [body];
}
