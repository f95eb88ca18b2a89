/**
 * PEP 3333's `AppClass`, as tsgi: the application is "a class" whose instances are
 * the iterable body. Calling the class (here through `appClass`, since a TypeScript
 * class needs `new`) only stores the environ; `startResponse` is called when the
 * gateway starts iterating, before the first chunk, which PEP 3333 allows.
 *
 * @example
 * await serve(appClass, { port: 8000 });
 *
 * @see https://peps.python.org/pep-3333/#the-application-framework-side
 * @module
 */
import type { Application, Environ, StartResponse } from '@tsgi/core';

const HELLO = Buffer.from('Hello world!\n');

export class AppClass implements Iterable<Uint8Array> {
  constructor(
    readonly environ: Environ,
    readonly startResponse: StartResponse,
  ) {}

  *[Symbol.iterator](): Iterator<Uint8Array> {
    const status = '200 OK';
    const responseHeaders: Array<[string, string]> = [['Content-type', 'text/plain']];
    this.startResponse(status, responseHeaders);
    yield HELLO;
  }
}

export const appClass: Application = function appClass(environ, startResponse) {
  return new AppClass(environ, startResponse);
};

export default appClass;
