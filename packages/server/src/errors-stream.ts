/**
 * `wsgi.errors`: the text stream an application logs to, and where the gateway
 * reports the errors it turns into 500s or cut connections (core's `ResponseDriver`
 * writes those lines). By default it writes to
 * `process.stderr`; `serve({ errors })` takes any node Writable or an `ErrorStream`.
 *
 * @example
 * environ['wsgi.errors'].write(`cache miss for ${environ.PATH_INFO}\n`);
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import type { ErrorStream } from '@tsgi/core';

/** Anything with a `write(text)` (a node Writable, a test's recorder) or a full ErrorStream. */
export type ErrorsOption = ErrorStream | { write(text: string): unknown };

class WritableErrorStream implements ErrorStream {
  constructor(private readonly target: { write(text: string): unknown }) {}
  write(text: string): void {
    this.target.write(text);
  }
  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.target.write(line);
  }
  flush(): void {
    // node streams flush themselves; PEP 3333 only asks that flush() exists.
  }
}

/** Wraps `target` as an `ErrorStream` unless it already is one. */
export function toErrorStream(target: ErrorsOption = process.stderr): ErrorStream {
  if (typeof target !== 'object' || target === null || typeof target.write !== 'function') {
    throw new TypeError('tsgi server: errors must be a stream with write(text), e.g. process.stderr');
  }
  const full = target as Partial<ErrorStream>;
  if (typeof full.writelines === 'function' && typeof full.flush === 'function') return target as ErrorStream;
  return new WritableErrorStream(target);
}

