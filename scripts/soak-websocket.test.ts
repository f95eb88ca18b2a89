/**
 * The CI-sized WebSocket soak: 1 000 idle sockets for 10 s on serve(), pinged every
 * 2.5 s (four rounds); none dropped, the heap flat, every close handler run once. Not
 * every second: the clients' process shares 2 cores with the rest of the suite, and a
 * pong starved for a second of CPU is a drop that measures the machine, not the gateway.
 */
import { soakWebSockets } from './soak-websocket.js';

test('1 000 idle WebSockets for 10 s: none dropped, heap flat, every close handled', async () => {
  const lines: string[] = [];
  const report = await soakWebSockets(1000, 10, (line) => void lines.push(line), 2500);
  expect(report.problems).toEqual([]);
  expect(report.samples).toHaveLength(10);
}, 60_000);
