/**
 * The client side of the WebSocket soak (scripts/soak-websocket.ts), in its own process
 * so the server's process holds one file descriptor a socket (10 000 sockets fit under
 * a 20 000 `ulimit -n` that cannot be raised) and its memory is the server's alone.
 * Started with `fork()`: argv is the URL and the number of sockets. It opens them in
 * batches of 200 (so the listen backlog never overflows), posts `{ opened }`, and on
 * `'close'` closes them all and posts `{ dropped }`: how many the server closed while
 * they were meant to stay idle.
 * @module
 */
import WebSocket from 'ws';

const [url, countText] = process.argv.slice(2);
const count = Number(countText);
const clients: WebSocket[] = [];
let dropped = 0;
let closing = false;

async function open(): Promise<void> {
  for (let i = 0; i < count; i += 200) {
    const batch = Array.from({ length: Math.min(200, count - i) }, () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url!, { perMessageDeflate: false });
      ws.once('open', () => resolve(ws)).once('error', reject);
    }));
    clients.push(...(await Promise.all(batch)));
  }
  for (const ws of clients) ws.once('close', () => void (closing || dropped++));
  process.send!({ opened: clients.length });
}

process.on('message', (message) => {
  if (message !== 'close') return;
  closing = true;
  void Promise.all(clients.map((ws) => new Promise((resolve) => (ws.readyState === ws.CLOSED ? resolve(undefined) : (ws.once('close', resolve), ws.close()))))).then(() => {
    process.send!({ dropped }, () => process.exit(0));
  });
});

open().catch((error: unknown) => {
  process.send!({ error: String(error) }, () => process.exit(1));
});
