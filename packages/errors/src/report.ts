/**
 * What the exception page shows, gathered once and rendered as HTML, JSON or text:
 * the status, the request line, the error and its `cause` chain, each with its stack
 * frames located in the app's source, and the environ with its secrets masked. Error
 * messages go through the same masking as URLs: an HTTP client's error names the URL
 * it called, API key and all.
 *
 * @example
 * const report = exceptionReport(error, environ, new SourceReader(5), isSecretName);
 * report.errors[1]?.message; // the cause's message
 *
 * @see https://tc39.es/ecma262/#sec-installerrorcause (Error cause)
 * @module
 */
import { describeError, statusLine, type Environ } from '@tsgi/core';
import { maskEnviron, maskUrl, requestLine, type SecretTest } from './mask.js';
import { errorStatus } from './problem.js';
import type { FrameSource, SourceReader } from './source.js';
import { parseStack } from './stack.js';

export interface ReportFrame {
  /** The function V8 named, if any. */
  function?: string;
  /** The frame as the stack printed it. */
  text: string;
  /** Where it is in the source, when the frame has a position. */
  source?: FrameSource;
}

export interface ReportedError {
  name: string;
  message: string;
  frames: ReportFrame[];
}

export interface ExceptionReport {
  status: number;
  /** `500 Internal Server Error` */
  statusLine: string;
  /** `GET /path?q=1 HTTP/1.1`, secret parameters masked. */
  request: string;
  /** The error first, then each `cause` in turn. */
  errors: ReportedError[];
  /** Sorted `[key, value]` pairs, secrets masked. */
  environ: Array<[string, string]>;
}

/** How many causes are followed; a chain longer than this is cut (and a cycle stops sooner). */
const MAX_CAUSES = 10;

/** A string property of a thrown value, or `undefined` when it is not one or reading it throws. */
function readString(error: Error, key: 'name' | 'message' | 'stack'): string | undefined {
  try {
    const value: unknown = error[key];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function reportError(error: unknown, reader: SourceReader, isSecret: SecretTest): ReportedError {
  if (!isError(error)) {
    return { name: error === null ? 'null' : typeof error, message: maskUrl(describeError(error, { stack: false }), isSecret), frames: [] };
  }
  const frames = parseStack(readString(error, 'stack') ?? '').map((frame): ReportFrame => {
    const source = reader.locate(frame);
    return source === undefined ? { function: frame.function, text: frame.text } : { function: frame.function, text: frame.text, source };
  });
  const message = readString(error, 'message') ?? describeError(error, { stack: false });
  return { name: readString(error, 'name') ?? 'Error', message: maskUrl(message, isSecret), frames };
}

/** `instanceof Error`, false for a Proxy whose traps throw. */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** `error.cause`, or `undefined` when there is none or reading it throws. */
function causeOf(error: unknown): unknown {
  if (error === null || typeof error !== 'object') return undefined;
  try {
    return 'cause' in error ? error.cause : undefined;
  } catch {
    return undefined;
  }
}

/** Gathers the report for `error`; see the module comment. */
export function exceptionReport(error: unknown, environ: Environ, reader: SourceReader, isSecret: SecretTest): ExceptionReport {
  const errors: ReportedError[] = [];
  const seen = new Set<unknown>();
  for (let current = error; errors.length <= MAX_CAUSES && !seen.has(current); ) {
    seen.add(current);
    errors.push(reportError(current, reader, isSecret));
    const cause = causeOf(current);
    if (cause === undefined) break;
    current = cause;
  }
  const status = errorStatus(error);
  return { status, statusLine: statusLine(status), request: requestLine(environ, isSecret), errors, environ: maskEnviron(environ, isSecret) };
}
