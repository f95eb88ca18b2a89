/**
 * `wsgi.errors` for the test client: collects what the app writes so a test can
 * assert on it (`response.errors`, `client.errors`).
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import type { ErrorStream } from '@tsgi/core';

export class CollectingErrorStream implements ErrorStream {
  /** Everything written so far, in order. */
  text = '';

  write(text: string): void {
    this.text += text;
  }

  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.text += line;
  }

  flush(): void {}
}
