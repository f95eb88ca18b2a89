/** Hono on @hono/node-server, the fetch-style stack on node:http. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { HELLO_TEXT, unknownScenario, type Target } from '../lib/target.js';

const target: Target = {
  name: 'hono',
  scenarios: ['hello'],
  start(scenario, port) {
    if (scenario !== 'hello') unknownScenario('hono', scenario);
    const app = new Hono().get('/', (c) => c.text(HELLO_TEXT));
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
        resolve({
          port: info.port,
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      });
    });
  },
};
export default target;
