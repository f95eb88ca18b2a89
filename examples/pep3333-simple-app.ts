/**
 * PEP 3333's `simple_app`, as tsgi: the smallest application there is. It calls
 * `startResponse` with a status and headers and returns a list of byte chunks;
 * an array body lets the gateway send it in one write with a Content-Length.
 *
 * @example
 * await serve(simpleApp, { port: 8000 });
 *
 * @see https://peps.python.org/pep-3333/#the-application-framework-side
 * @module
 */
import type { Application } from '@tsgi/core';

const HELLO = Buffer.from('Hello world!\n');

export const simpleApp: Application = function simpleApp(_environ, startResponse) {
  const status = '200 OK';
  const responseHeaders: Array<[string, string]> = [['Content-type', 'text/plain']];
  startResponse(status, responseHeaders);
  return [HELLO];
};

export default simpleApp;
