/**
 * The CI-sized WebSocket soak: 1 000 idle sockets for 10 s on serve(), pinged every
 * second; none dropped, the heap flat, every close handler run once.
 */
import { soakWebSockets } from './soak-websocket.js';

test('1 000 idle WebSockets for 10 s: none dropped, heap flat, every close handled', async () => {
  const lines: string[] = [];
  const report = await soakWebSockets(1000, 10, (line) => void lines.push(line));
  expect(report.problems).toEqual([]);
  expect(report.samples).toHaveLength(10);
}, 60_000);
