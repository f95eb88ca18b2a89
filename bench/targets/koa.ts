/** Koa with one middleware that sets the body. */
import { createServer } from 'node:http';
import Koa from 'koa';
import { listen } from '../lib/listen.js';
import { HELLO_TEXT, unknownScenario, type Target } from '../lib/target.js';

const target: Target = {
  name: 'koa',
  scenarios: ['hello'],
  start(scenario, port) {
    if (scenario !== 'hello') unknownScenario('koa', scenario);
    const app = new Koa();
    app.use((ctx) => {
      ctx.type = 'text/plain';
      ctx.body = HELLO_TEXT;
    });
    return listen(createServer(app.callback()), port);
  },
};
export default target;
