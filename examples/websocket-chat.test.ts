/**
 * The chat example of docs/guides/websockets.md: in memory through testClient (two
 * users, broadcasts, binary back to its sender, a 401 without a password), and on a
 * real socket through serve() with the `ws` client.
 */
import { lint } from '@tsgi/lint';
import { serve } from '@tsgi/server';
import { testClient, WebSocketRefused } from '@tsgi/testing';
import WebSocket from 'ws';
import { createChat } from './websocket-chat.js';

const users = { alice: 'wonderland', bob: 'builder' };
const basic = (user: string, password: string) => ({ Authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64') });
const quiet = { write: () => undefined };

test('two users chat: text goes to everyone, bytes back to the sender, leaving is announced', async () => {
  const { app, room } = createChat({ users, log: quiet });
  const client = testClient(app);
  const alice = await client.websocket('/chat', { headers: basic('alice', 'wonderland') });
  expect(await alice.next()).toBe('alice joined');
  const bob = await client.websocket('/chat', { headers: basic('bob', 'builder') });
  expect(await alice.next()).toBe('bob joined');
  expect(await bob.next()).toBe('bob joined');
  alice.send('hi bob');
  expect(await bob.next()).toBe('alice: hi bob');
  expect(await alice.next()).toBe('alice: hi bob');
  bob.send(new Uint8Array([7, 8]));
  expect(await bob.next()).toEqual(new Uint8Array([7, 8]));
  bob.close();
  expect(await alice.next()).toBe('bob left');
  expect(room.members.size).toBe(1);
  alice.close();
  await alice.closed;
});

test('without a password the handshake gets basicAuth\'s 401', async () => {
  const { app } = createChat({ users, log: quiet });
  const refused = await testClient(app).websocket('/chat').catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(WebSocketRefused);
  expect((refused as WebSocketRefused).status).toBe(401);
  expect((refused as WebSocketRefused).header('www-authenticate')).toBe('Basic realm="chat", charset="UTF-8"');
});

test('on serve(): a real client chats, and the access log has the handshake once, as 101', async () => {
  const lines: string[] = [];
  const { app } = createChat({ users, log: { write: (line: string) => void lines.push(line) } });
  const served = await serve(lint(app), { port: 0, host: '127.0.0.1' });
  try {
    const ws = new WebSocket(served.url.replace('http', 'ws') + '/chat', { headers: basic('alice', 'wonderland') });
    const messages: string[] = [];
    ws.on('message', (data: Buffer) => messages.push(data.toString()));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('hello');
    while (messages.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(messages).toEqual(['alice joined', 'alice: hello']);
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.close();
    await closed;
    while (lines.join('').split('\n').length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const logged = lines.join('').trim().split('\n').map((line) => JSON.parse(line) as { status: number; user: string; path: string });
    expect(logged).toEqual([expect.objectContaining({ status: 101, user: 'alice', path: '/chat' })]);
  } finally {
    await served.close();
  }
});
