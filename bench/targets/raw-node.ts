/** The baseline: node:http with no framework, as little work as a response can be. */
import { createServer } from 'node:http';
import { listen } from '../lib/listen.js';
import { HELLO, unknownScenario, type Target } from '../lib/target.js';

const target: Target = {
  name: 'node:http',
  scenarios: ['hello'],
  start(scenario, port) {
    if (scenario !== 'hello') unknownScenario('raw-node', scenario);
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': HELLO.byteLength });
      res.end(HELLO);
    });
    return listen(server, port);
  },
};
export default target;
