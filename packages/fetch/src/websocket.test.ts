import type { Application } from '@tsgi/core';
import type { GatewayWebSocket, WebSocketTransport } from '@tsgi/core/gateway';
import { lint } from '@tsgi/lint';
import { toFetch } from './to-fetch.js';

const HANDSHAKE = {
  Upgrade: 'websocket',
  Connection: 'Upgrade',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Protocol': 'chat',
};

/** Bun's server as toFetch sees it (the fetch handler's second argument): records upgrades. */
function bunServer() {
  const upgrades: Array<{ headers: Headers; make: (transport: WebSocketTransport) => GatewayWebSocket }> = [];
  return {
    upgrades,
    upgrade(_request: Request, options: { data: unknown; headers: Record<string, string> | Headers }): boolean {
      upgrades.push({ headers: new Headers(options.headers), make: (options.data as { make: (t: WebSocketTransport) => GatewayWebSocket }).make });
      return true;
    },
  };
}

const request = (): Request => new Request('http://example.org/chat', { headers: HANDSHAKE });

test("an accepted 101 switches the runtime's way, with the middleware's headers and the subprotocol", async () => {
  const seen: unknown[] = [];
  const app: Application = (environ, startResponse) => {
    environ['tsgi.websocket']!.accept({ message: (_ws, data) => void seen.push(data) }, { protocol: 'chat' });
    startResponse('101 Switching Protocols', [['Set-Cookie', 'a=1']]);
    return [];
  };
  const bun = bunServer();
  expect(await toFetch(lint(app))(request(), bun)).toBeUndefined();
  expect(bun.upgrades).toHaveLength(1);
  expect(Object.fromEntries(bun.upgrades[0]!.headers)).toEqual({ 'set-cookie': 'a=1', 'sec-websocket-protocol': 'chat' });
  const session = bun.upgrades[0]!.make({ send: () => undefined, close() {}, terminate() {}, bufferedAmount: 0 });
  session.opened();
  session.received('hi');
  expect(seen).toEqual(['hi']);
});

test('a refusal (401) is an ordinary Response, and the runtime does not switch', async () => {
  const app: Application = (_environ, startResponse) => {
    startResponse('401 Unauthorized', [['Content-Type', 'text/plain'], ['WWW-Authenticate', 'Basic']]);
    return [new TextEncoder().encode('who are you?')];
  };
  const bun = bunServer();
  const response = await toFetch(lint(app))(request(), bun);
  expect(response.status).toBe(401);
  expect(await response.text()).toBe('who are you?');
  expect(bun.upgrades).toHaveLength(0);
});

// Body bytes on a 101, and a 101 that excInfo replaced while its body ran, are rows of
// scripts/conformance/websocket-rows.ts, run there through toFetch(), serve() and testClient().
