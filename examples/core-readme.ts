import { compose, onClose, readBody, shiftPathInfo, statusLine, type Application, type Middleware } from '@tsgi/core';

// An application: environ in, startResponse called, bytes out.
const echo: Application = async (environ, startResponse) => {
  const body = await readBody(environ, { limit: 64 * 1024 }); // HttpError 413 past the limit
  startResponse(statusLine(200), [['Content-Type', 'application/octet-stream']]);
  return [body];
};

// A middleware: moves the first path segment to SCRIPT_NAME, counts finished responses.
let finished = 0;
const mount: Middleware = (app) => (environ, startResponse) => {
  shiftPathInfo(environ);
  return app(environ, startResponse);
};
const count: Middleware = (app) => async (environ, startResponse) =>
  onClose(await app(environ, startResponse), () => void finished++);

export const app = compose(count, mount)(echo); // count(mount(echo))
export const finishedCount = (): number => finished;
