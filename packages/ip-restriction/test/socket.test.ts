/**
 * ipRestriction() over real sockets: serve() on 127.0.0.1 and on the dual-stack `::`
 * (where an IPv4 client arrives as `::ffff:127.0.0.1`, and `::1` is IPv6), behind
 * proxyFix() with X-Forwarded-For, every app under lint() above and below.
 */
import { compose, type Application } from '@tsgi/core';
import { httpErrors } from '@tsgi/errors';
import { lint } from '@tsgi/lint';
import { proxyFix } from '@tsgi/proxy-fix';
import { serve, type Served } from '@tsgi/server';
import { ipRestriction, type IpRestrictionOptions } from '../src/index.js';

const whoami: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode(String(environ.REMOTE_ADDR))];
};

const servers: Served[] = [];
async function start(options: IpRestrictionOptions, host: string, behindProxy = false): Promise<string> {
  const restricted = ipRestriction(options)(lint(whoami));
  const app = behindProxy ? compose(proxyFix({ trustedProxies: ['127.0.0.1'], for: 1 }))(restricted) : restricted;
  const served = await serve(lint(app), { port: 0, host });
  servers.push(served);
  return `http://127.0.0.1:${new URL(served.url).port}`;
}
afterAll(() => Promise.all(servers.map((served) => served.close())));

async function get(url: string, headers: Record<string, string> = {}): Promise<[number, string]> {
  const response = await fetch(url, { headers });
  return [response.status, await response.text()];
}

test('a request from 127.0.0.1 against a deny list with loopback: 403 with the reason; an allow list with it: 200', async () => {
  expect(await get(await start({ deny: ['127.0.0.0/8'] }, '127.0.0.1'))).toEqual([403, 'client address 127.0.0.1 is denied\n']);
  expect(await get(await start({ allow: ['127.0.0.1'] }, '127.0.0.1'))).toEqual([200, '127.0.0.1']);
  expect(await get(await start({ allow: ['10.0.0.0/8'] }, '127.0.0.1'))).toEqual([403, 'client address 127.0.0.1 is not allowed\n']);
});

test('on a dual-stack socket an IPv4 client is ::ffff:127.0.0.1 and matches the IPv4 entries; ::1 does not', async () => {
  const url = await start({ allow: ['127.0.0.0/8'] }, '::');
  expect(await get(url)).toEqual([200, '::ffff:127.0.0.1']);
  const v6 = url.replace('127.0.0.1', '[::1]');
  expect(await get(v6)).toEqual([403, 'client address ::1 is not allowed\n']);
});

test('behind proxyFix(): the forwarded client address is the one checked', async () => {
  const url = await start({ deny: ['203.0.113.0/24'] }, '127.0.0.1', true);
  expect(await get(url, { 'X-Forwarded-For': '203.0.113.9' })).toEqual([403, 'client address 203.0.113.9 is denied\n']);
  expect(await get(url, { 'X-Forwarded-For': '198.51.100.1' })).toEqual([200, '198.51.100.1']);
  expect(await get(url, { 'X-Forwarded-For': 'unknown' })).toEqual([403, 'the client address is not an IP address\n']);
});

test('throwHttpErrors: true under httpErrors(): a JSON client gets the 403 as JSON with the reason', async () => {
  const restricted = ipRestriction({ deny: ['127.0.0.1'], throwHttpErrors: true })(lint(whoami));
  const served = await serve(lint(httpErrors()(lint(restricted))), { port: 0, host: '127.0.0.1' });
  servers.push(served);
  const response = await fetch(served.url, { headers: { Accept: 'application/json' } });
  expect([response.status, response.headers.get('content-type')]).toEqual([403, 'application/json']);
  expect(await response.json()).toMatchObject({ status: 403, detail: 'client address 127.0.0.1 is denied' });
});
