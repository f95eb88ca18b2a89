/**
 * Sends `count` keep-alive GET requests, one after another, over one connection:
 * `tsx bench/cost/client.ts <port> <count> [path]`. The load side of bench/cost/measure.ts;
 * it runs outside valgrind, so its own cost does not matter.
 */
import { Agent, request } from 'node:http';

const [port, count = '1000', path = '/'] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function one(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: Number(port), path, agent, headers: { 'User-Agent': 'tsgi-cost/1', Accept: '*/*' } },
      (res) => {
        res.on('data', () => {}).on('end', resolve).on('error', reject);
      },
    );
    req.on('error', reject).end();
  });
}

void (async () => {
  for (let i = 0; i < Number(count); i++) await one();
  agent.destroy();
})();
