import { compose, type Application, type Environ } from '@tsgi/core';
import { serverTiming, serverTimingOf } from '@tsgi/server-timing';

// Stands in for a database query.
const findUser = (id: string) => new Promise<{ id: string }>((resolve) => setTimeout(() => resolve({ id }), 5));

const profile: Application = async (environ, startResponse) => {
  const timing = serverTimingOf(environ); // does nothing when timings are off
  const user = await timing.time('db', () => findUser(environ.QUERY_STRING), 'user by id');
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [new TextEncoder().encode(JSON.stringify(user))];
};

// Timings for requests from the office network only: they tell how long things take.
const fromOffice = (environ: Environ): boolean => String(environ.REMOTE_ADDR).startsWith('10.');
export const app = compose(serverTiming({ enabled: fromOffice }))(profile);
// Server-Timing: db;dur=5.2;desc="user by id", app;dur=5.6
