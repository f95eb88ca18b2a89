/** Express 5 with its defaults (ETag, X-Powered-By), one route. */
import { createServer } from 'node:http';
import express from 'express';
import { listen } from '../lib/listen.js';
import { HELLO_TEXT, unknownScenario, type Target } from '../lib/target.js';

const target: Target = {
  name: 'express 5',
  scenarios: ['hello'],
  start(scenario, port) {
    if (scenario !== 'hello') unknownScenario('express', scenario);
    const app = express();
    app.get('/', (_req, res) => {
      res.type('text/plain').send(HELLO_TEXT);
    });
    return listen(createServer(app), port);
  },
};
export default target;
