/**
 * Errors that carry an HTTP status. Middleware answers an expected refusal (401, 413)
 * with a response; `HttpError` is for code that must unwind first (e.g. `readBody`)
 * and for a caller that turns it into that response.
 * @module
 */
import { shareInstanceof } from './brand.js';
import { statusLine } from './status.js';

export interface HttpErrorOptions {
  cause?: unknown;
  /** Extra response headers to send with this status, e.g. `Allow` or `WWW-Authenticate`. */
  headers?: Array<[string, string]>;
  /** Whether the message is safe to show the client (default: true below 500). */
  expose?: boolean;
}

export class HttpError extends Error {
  override name = 'HttpError';
  /** The HTTP status code, 400-599. */
  readonly status: number;
  readonly headers: Array<[string, string]>;
  readonly expose: boolean;

  constructor(status: number, message?: string, options: HttpErrorOptions = {}) {
    super(message ?? statusLine(status).slice(4), options.cause === undefined ? undefined : { cause: options.cause });
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError: status must be an integer from 400 to 599, got ${status}`);
    }
    this.status = status;
    this.headers = options.headers ?? [];
    this.expose = options.expose ?? status < 500;
  }

  /** Alias used by h3, http-errors and others. */
  get statusCode(): number {
    return this.status;
  }

  /** What may be sent to a client: no stack, no cause, no message for server errors. */
  toJSON(): { status: number; message: string } {
    return { status: this.status, message: this.expose ? this.message : statusLine(this.status).slice(4) };
  }
}
// One HttpError for `instanceof` whether it came from the ESM or the CommonJS build.
shareInstanceof(HttpError, 'tsgi.HttpError');

/** True for anything with a numeric `status` of 400-599, from any package. */
export function isHttpError(error: unknown): error is { status: number; message: string; expose?: boolean } {
  if (typeof error !== 'object' || error === null) return false;
  let status: unknown;
  try {
    status = (error as { status?: unknown }).status;
  } catch {
    return false; // a getter or Proxy trap that throws: not an HTTP error
  }
  return typeof status === 'number' && status >= 400 && status <= 599;
}
