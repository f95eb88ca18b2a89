/**
 * The body readers' options and their defaults, checked once per call against
 * `LIMITS`: each read has a size limit (413 past it), and the form parser a field
 * count (413 past it), so that no client can make a reader hold more than it allows.
 *
 * Why these numbers:
 * - `json`, `text`, `bytes`: 1 MiB, as core's `readBody` and Fastify's `bodyLimit`.
 *   body-parser's 100 kB is the number its users most often raise (a page of rich
 *   text, a batch of records); 1 MiB still bounds a request's memory to what a
 *   server holds for a few hundred concurrent uploads without noticing.
 * - `form`: 500 kB and 1000 fields, Werkzeug's `max_form_memory_size` and
 *   `max_form_parts` (and qs's `parameterLimit` of 1000): a browser form is small, and
 *   a flood of tiny fields costs more to parse than its byte count suggests.
 *
 * @example
 * await request(environ).json({ limit: 64 * 1024 }); // 413 past 64 KiB
 * @module
 */

/** What every body read takes. */
export interface BodyOptions {
  /**
   * Largest body accepted, in bytes. A `Content-Length` above it is refused (413)
   * before a byte is read; a chunked body is refused as soon as it passes it.
   * @default 1048576 (1 MiB); 500000 for form()
   */
  limit?: number;
}

export interface JsonOptions extends BodyOptions {
  /**
   * Media types accepted, as patterns (`application/json`, `*\/*+json`, `text/*`);
   * `false` reads any body, with or without a Content-Type. Another type is a 415.
   * @default ['application/json', '*\/*+json']
   */
  type?: readonly string[] | false;
}

export interface FormOptions extends BodyOptions {
  /**
   * Most `name=value` pairs accepted; past it, 413 before any is decoded.
   * @default 1000
   */
  maxFields?: number;
}

/** The defaults, shown in the README's limits table. */
export const LIMITS = {
  /** json(), text(), bytes(). */
  body: 1024 * 1024,
  /** form(): Werkzeug's max_form_memory_size. */
  form: 500_000,
  /** form(): Werkzeug's max_form_parts. */
  formFields: 1000,
  jsonTypes: ['application/json', '*/*+json'] as readonly string[],
} as const;

/** A limit option, checked: a number >= 0 (Infinity allowed), or the default. */
export function checkLimit(value: number | undefined, fallback: number, where: string, option = 'limit'): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new TypeError(`${where}: ${option} must be a number of bytes >= 0, got ${String(value)}`);
  }
  return value;
}

/** The `type` option of json(), checked. */
export function checkTypes(value: readonly string[] | false | undefined, where: string): readonly string[] | false {
  if (value === undefined) return LIMITS.jsonTypes;
  if (value === false) return false;
  if (!Array.isArray(value) || value.some((type) => typeof type !== 'string' || !type.includes('/'))) {
    throw new TypeError(`${where}: type must be a list of media types such as ['application/json'] or false, got ${JSON.stringify(value)}`);
  }
  return value;
}
