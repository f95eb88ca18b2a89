import { compose, type Application } from '@tsgi/core';
import { accessLog } from '@tsgi/logger';
import { requestId } from '@tsgi/request-id';

const hello: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode(`request ${String(environ['tsgi.request_id'])}\n`)];
};

// requestId() outermost: the app, the log line and the client see one id.
export const app = compose(requestId(), accessLog({ format: 'json' }))(hello);
// await serve(app, { port: 8000 });
