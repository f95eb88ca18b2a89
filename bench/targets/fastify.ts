/** Fastify with one route and its defaults (no logger). */
import Fastify from 'fastify';
import { HELLO_TEXT, unknownScenario, type Target } from '../lib/target.js';

const target: Target = {
  name: 'fastify',
  scenarios: ['hello'],
  async start(scenario, port) {
    if (scenario !== 'hello') unknownScenario('fastify', scenario);
    const app = Fastify();
    app.get('/', (_request, reply) => {
      void reply.type('text/plain').send(HELLO_TEXT);
    });
    await app.listen({ port, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    return { port: address.port, close: () => app.close() };
  },
};
export default target;
