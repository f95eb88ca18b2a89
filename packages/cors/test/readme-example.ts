import { compose, type Application } from '@tsgi/core';
import { cors } from '@tsgi/cors';
import { router } from '@tsgi/router';

const items: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'application/json'], ['X-Total-Count', '0']]);
  return [new TextEncoder().encode(JSON.stringify({ method: environ.REQUEST_METHOD, items: [] }))];
};

// The front end at https://app.example.com calls this API with cookies.
export const app = compose(
  cors({ origin: ['https://app.example.com'], credentials: true, exposeHeaders: ['X-Total-Count'], maxAge: 600 }),
)(router().get('/items', items).put('/items/:id', items));
// await serve(app, { port: 8000 }); with serve from @tsgi/server
