/** Connect with one middleware that answers. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import connect from 'connect';
import { listen } from '../lib/listen.js';
import { HELLO, unknownScenario, type Target } from '../lib/target.js';

const target: Target = {
  name: 'connect',
  scenarios: ['hello'],
  start(scenario, port) {
    if (scenario !== 'hello') unknownScenario('connect', scenario);
    const app = connect().use((_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('Content-Type', 'text/plain');
      res.end(HELLO);
    });
    return listen(createServer(app), port);
  },
};
export default target;
