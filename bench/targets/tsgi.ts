/** tsgi's gateway, serve(): an app that returns an array body. */
import type { Application } from '@tsgi/core';
import { serve } from '@tsgi/server';
import { HELLO, unknownScenario, type Target } from '../lib/target.js';

const HEADERS: Array<[string, string]> = [['Content-Type', 'text/plain']];
const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', HEADERS);
  return [HELLO];
};

const target: Target = {
  name: 'tsgi serve()',
  scenarios: ['hello'],
  async start(scenario, port) {
    if (scenario !== 'hello') unknownScenario('tsgi', scenario);
    const served = await serve(hello, { port, host: '127.0.0.1', shutdownTimeout: 0 });
    return { port: Number(new URL(served.url).port), close: served.close };
  },
};
export default target;
