/**
 * Header capture, as the HTTP semantic conventions name it: a request header listed
 * in `captureRequestHeaders` becomes the span attribute `http.request.header.<name>`
 * and a response header `http.response.header.<name>` (name lowercase), each a string
 * array. Credentials never reach a span: `authorization`, `proxy-authorization`,
 * `cookie` and `set-cookie` (and any name in `redactHeaders`) are recorded as
 * `['REDACTED']`, so the attribute still says the header was there.
 *
 * Everything that can be is worked out here, once: the environ key and attribute name
 * of each request header, a lowercase-name table for the response side.
 *
 * @example
 * const capture = new HeaderCapture(['x-request-id'], ['content-type'], []);
 * span.setAttributes(capture.request(environ));
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-server-span
 * @module
 */
import type { Attributes } from '@opentelemetry/api';
import { environKey, type Environ, type ResponseHeaders } from '@tsgi/core';

/** Headers whose values are credentials: redacted whatever the options say. */
export const ALWAYS_REDACTED = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'] as const;
export const REDACTED = 'REDACTED';

interface CapturedRequestHeader {
  readonly key: string;
  readonly attribute: string;
  readonly redacted: boolean;
}

interface CapturedResponseHeader {
  readonly attribute: string;
  readonly redacted: boolean;
}

export class HeaderCapture {
  private readonly requestHeaders: readonly CapturedRequestHeader[];
  private readonly responseHeaders: ReadonlyMap<string, CapturedResponseHeader>;
  /** Whether any header is captured at all: most stacks capture none, and skip both walks. */
  readonly requestEnabled: boolean;
  readonly responseEnabled: boolean;

  constructor(request: readonly string[], response: readonly string[], redact: readonly string[]) {
    const redacted = new Set<string>([...ALWAYS_REDACTED, ...redact.map((name) => name.toLowerCase())]);
    this.requestHeaders = request.flatMap((name) => {
      const lower = name.toLowerCase();
      const key = environKey(lower);
      return key === null ? [] : [{ key, attribute: 'http.request.header.' + lower, redacted: redacted.has(lower) }];
    });
    this.responseHeaders = new Map(
      response.map((name) => {
        const lower = name.toLowerCase();
        return [lower, { attribute: 'http.response.header.' + lower, redacted: redacted.has(lower) }];
      }),
    );
    this.requestEnabled = this.requestHeaders.length !== 0;
    this.responseEnabled = this.responseHeaders.size !== 0;
  }

  /** Adds the captured request headers the environ has to `attributes`. */
  request(environ: Environ, attributes: Attributes): void {
    for (const header of this.requestHeaders) {
      const value = environ[header.key];
      if (typeof value === 'string') attributes[header.attribute] = [header.redacted ? REDACTED : value];
    }
  }

  /** The captured response headers in `headers`, one array element per header line; undefined when none. */
  response(headers: ResponseHeaders): Attributes | undefined {
    let out: Record<string, string[]> | undefined;
    for (const [name, value] of headers) {
      const header = this.responseHeaders.get(name.toLowerCase());
      if (header === undefined) continue;
      out ??= {};
      (out[header.attribute] ??= []).push(header.redacted ? REDACTED : value);
    }
    return out;
  }
}
