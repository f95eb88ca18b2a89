/**
 * The `errors` option every gateway takes (`serve`, `toFetch`, `toLambda`, the
 * adapters), in one set of forms, turned into the `wsgi.errors` stream once: a full
 * `ErrorStream` is used as it is; anything with a `write(text)` (a node Writable such
 * as `process.stderr`, a test's recorder) or a function that gets each message is
 * wrapped, with `writelines` and `flush` added. Each gateway keeps its own default
 * (stderr on node, `console.error` on fetch runtimes).
 *
 * @example
 * serve(app, { errors: process.stderr });
 * toFetch(app, { errors: (text) => console.warn(text.trimEnd()) });
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import type { ErrorStream } from './types.js';

/** An `ErrorStream`, anything with `write(text)`, or a function that gets each message. */
export type ErrorsOption = ErrorStream | { write(text: string): unknown } | ((text: string) => void);

class WriteErrorStream implements ErrorStream {
  constructor(private readonly writeText: (text: string) => unknown) {}
  write(text: string): void {
    this.writeText(text);
  }
  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.writeText(line);
  }
  flush(): void {
    // A node stream flushes itself, a function has nothing to flush; PEP 3333 only asks that flush() exists.
  }
}

/** `errors` as an `ErrorStream`; `who` names the gateway in the TypeError for anything else. */
export function toErrorStream(errors: ErrorsOption, who: string): ErrorStream {
  if (typeof errors === 'function') return new WriteErrorStream(errors);
  if (typeof errors !== 'object' || errors === null || typeof errors.write !== 'function') {
    throw new TypeError(`${who}: errors must be an ErrorStream, a stream with write(text) such as process.stderr, or a function (text) => void; got ${errors === null ? 'null' : typeof errors}`);
  }
  const full = errors as Partial<ErrorStream>;
  if (typeof full.writelines === 'function' && typeof full.flush === 'function') return errors as ErrorStream;
  const target = errors;
  return new WriteErrorStream((text) => target.write(text));
}
