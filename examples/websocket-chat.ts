/**
 * A chat room over WebSocket (docs/guides/websockets.md): every text message goes to
 * everyone in the room as `user: text`, a binary message comes back to its sender
 * only, and joins and leaves are announced. The handshake is an ordinary request
 * through the stack: accessLog sees it (once, status 101), basicAuth answers 401
 * without a password, the router sends `GET /chat` here and `GET /` to a page with a
 * small client. The same module runs on `serve()` (Node), and through `toFetch` on
 * Bun, Deno and Workers.
 *
 * Run: `npx tsx examples/websocket-chat.ts`, open http://127.0.0.1:8000/ (alice / wonderland).
 *
 * @example
 * const { app } = createChat({ users: { alice: 'wonderland' } });
 * await serve(app, { port: 8000, websocket: { origins: ['http://127.0.0.1:8000'] } });
 * @module
 */
import { compose, decodeNative, type Application, type WebSocketConnection } from '@tsgi/core';
import { basicAuth } from '@tsgi/auth';
import { accessLog, type LineTarget } from '@tsgi/logger';
import { router } from '@tsgi/router';
import { serve } from '@tsgi/server';

export interface ChatOptions {
  /** Who may chat: user name -> password (basicAuth). */
  users: Record<string, string>;
  /** Where the access log goes. @default the request's wsgi.errors */
  log?: LineTarget;
}

const encoder = new TextEncoder();

const PAGE = `<!doctype html><meta charset="utf-8"><title>tsgi chat</title>
<ul id="log"></ul><form id="say"><input id="text" autocomplete="off"><button>send</button></form>
<script>
  const log = document.getElementById('log');
  const show = (text) => log.appendChild(document.createElement('li')).textContent = text;
  const ws = new WebSocket(location.origin.replace('http', 'ws') + '/chat');
  ws.onmessage = (event) => show(typeof event.data === 'string' ? event.data : '(bytes)');
  ws.onclose = (event) => show('closed ' + event.code);
  document.getElementById('say').onsubmit = (event) => {
    event.preventDefault();
    ws.send(document.getElementById('text').value);
    document.getElementById('text').value = '';
  };
</script>`;

/** The room: who is in it, and a message to all of them. */
class Room {
  readonly members = new Set<WebSocketConnection>();

  broadcast(text: string): void {
    for (const member of this.members) void member.send(text);
  }
}

/** The chat app and its room (for tests: who is connected). */
export function createChat(options: ChatOptions): { app: Application; room: Room } {
  const room = new Room();

  const chat: Application = (environ, startResponse) => {
    const offer = environ['tsgi.websocket'];
    if (offer === undefined) {
      startResponse('426 Upgrade Required', [['Content-Type', 'text/plain; charset=utf-8']]);
      return [encoder.encode('connect with a WebSocket\n')];
    }
    // REMOTE_USER holds the UTF-8 bytes of the name, one character each (PEP 3333).
    const user = decodeNative(environ.REMOTE_USER ?? 'someone');
    offer.accept({
      open(ws) {
        room.members.add(ws);
        room.broadcast(`${user} joined`);
      },
      message(ws, data) {
        if (typeof data === 'string') room.broadcast(`${user}: ${data}`);
        else return ws.send(data);
      },
      close(ws) {
        room.members.delete(ws);
        room.broadcast(`${user} left`);
      },
    });
    startResponse('101 Switching Protocols', []);
    return [];
  };

  const page: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
    return [encoder.encode(PAGE)];
  };

  const routes = router().get('/', page).get('/chat', chat);
  const app = compose(accessLog({ format: 'json', stream: options.log }), basicAuth({ realm: 'chat', users: options.users }))(routes);
  return { app, room };
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8000);
  const { url } = await serve(createChat({ users: { alice: 'wonderland', bob: 'builder' }, log: process.stdout }).app, {
    port,
    // Browsers send cookies and credentials cross-site: only this page may connect.
    websocket: { origins: [`http://127.0.0.1:${port}`, `http://localhost:${port}`] },
  });
  console.log(`chat on ${url}/ (alice / wonderland, bob / builder)`);
}

if (process.argv[1]?.endsWith('websocket-chat.ts')) void main();
