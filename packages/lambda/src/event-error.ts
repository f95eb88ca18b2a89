/**
 * `LambdaEventError`: what `toLambda`'s handler rejects with when the event is not one
 * it can read: not an object, not an HTTP event, or a field of the wrong type (a number
 * for `body`, `cookies` that are not an array of strings, a 2.0 event without
 * `requestContext.http`). AWS never sends such events; they come from a test
 * invocation, a hand-written fixture, or another service routed to the wrong
 * function, so the error names the field and what it held, for the one who wrote it:
 * "toLambda: event.cookies must be an array of strings, got number".
 *
 * What a client can put in a well-typed event (a path, a header value) is never
 * this error: a request no app should see is answered 400 instead.
 *
 * The checks below read an event field by field; each returns the value with its type
 * narrowed, so the reader uses what it checked.
 *
 * @example
 * const cookies = optionalStrings(event.cookies, 'event.cookies'); // string[] | undefined
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html
 * @module
 */

/** A Lambda event `toLambda` cannot read; `field` is the dotted path of what was wrong. */
export class LambdaEventError extends TypeError {
  override name = 'LambdaEventError';

  constructor(
    /** `event.cookies`, `event.headers["x-forwarded-for"]`, or `event` for the whole. */
    readonly field: string,
    message: string,
  ) {
    super(`toLambda: ${message}`);
  }
}

/** What a value is, in words: `null`, `array`, `number`, ... */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function fail(field: string, expected: string, value: unknown): never {
  throw new LambdaEventError(field, `${field} must be ${expected}, got ${kindOf(value)}`);
}

/** A lone UTF-16 surrogate: text that no UTF-8 request could have carried. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The index of a lone surrogate in `text`, or -1. */
export function loneSurrogate(text: string): number {
  return LONE_SURROGATE.exec(text)?.index ?? -1;
}

/** `text`, which must be well-formed Unicode (it is percent-encoded as UTF-8 next). */
export function wellFormed(text: string, field: string): string {
  const at = loneSurrogate(text);
  if (at >= 0) throw new LambdaEventError(field, `${field} must be well-formed Unicode text, got a lone surrogate at ${at}`);
  return text;
}

export function object(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(field, 'an object', value);
  return value as Record<string, unknown>;
}

export function optionalObject(value: unknown, field: string): Record<string, unknown> | undefined {
  return value === undefined || value === null ? undefined : object(value, field);
}

export function string(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, 'a string', value);
  return value;
}

export function optionalString(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : string(value, field);
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(field, 'true or false', value);
  return value;
}

/** An array of strings (`cookies`, one multi-value header), or nothing. */
export function optionalStrings(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail(field, 'an array of strings', value);
  value.forEach((item: unknown, i) => string(item, `${field}[${i}]`));
  return value as string[];
}

/** A name as it goes into a field path: `["x-forwarded-for"]`. */
const member = (name: string): string => `[${JSON.stringify(name)}]`;

/** `{ name: 'value' }` (single-value headers and parameters), or nothing. */
export function optionalStringRecord(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail(field, 'an object of strings', value);
  for (const [name, item] of Object.entries(value)) string(item, field + member(name));
  return value as Record<string, string>;
}

/** `{ name: ['value', ...] }` (multi-value headers and parameters), or nothing. */
export function optionalStringsRecord(value: unknown, field: string): Record<string, string[]> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail(field, 'an object of arrays of strings', value);
  for (const [name, items] of Object.entries(value)) {
    if (!Array.isArray(items)) fail(field + member(name), 'an array of strings', items);
    optionalStrings(items, field + member(name));
  }
  return value as Record<string, string[]>;
}

/** Query parameters, whose names and values are percent-encoded as UTF-8: no lone surrogates. */
export function wellFormedParams(params: Record<string, string | string[]>, field: string): void {
  for (const [name, value] of Object.entries(params)) {
    const at = loneSurrogate(name);
    if (at >= 0) throw new LambdaEventError(field, `${field} must have well-formed Unicode names, got a lone surrogate at ${at} in ${JSON.stringify(name)}`);
    if (typeof value === 'string') wellFormed(value, field + member(name));
    else value.forEach((item, i) => wellFormed(item, `${field}${member(name)}[${i}]`));
  }
}
