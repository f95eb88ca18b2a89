/**
 * Runs each example over a real server on 127.0.0.1, with @tsgi/lint checking both
 * sides of every call.
 */
import type { Application, Body } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { Writable } from 'node:stream';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import demo, { createDemo } from './demo.js';
import { AppClass, appClass } from './pep3333-app-class.js';
import { latinator, piglatin } from './pep3333-latinator.js';
import { simpleApp } from './pep3333-simple-app.js';

const servers: Served[] = [];
async function urlOf(app: Application): Promise<string> {
  const served = await serve(lint(app), { port: 0, errors: { write: (text: string) => void process.stderr.write(text) } });
  servers.push(served);
  return served.url;
}
afterAll(() => Promise.all(servers.map((served) => served.close())));

/** A GET that shows the body as sent (fetch would decompress it). */
function rawGet(base: string, path: string, headers: Record<string, string>): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(new URL(path, base), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

test('simple_app answers "Hello world!" with a Content-Length', async () => {
  const response = await fetch(await urlOf(simpleApp));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain');
  expect(response.headers.get('content-length')).toBe('13');
  expect(await response.text()).toBe('Hello world!\n');
});

test('AppClass: the instance is the body, and startResponse is called when it is iterated', async () => {
  let started = false;
  const instance = new AppClass({} as never, () => {
    started = true;
    return () => undefined;
  });
  expect(started).toBe(false);
  expect([...instance].map((chunk) => Buffer.from(chunk).toString())).toEqual(['Hello world!\n']);
  expect(started).toBe(true);

  const response = await fetch(await urlOf(appClass));
  expect(response.headers.get('content-length')).toBe('13');
  expect(await response.text()).toBe('Hello world!\n');
});

describe('Latinator', () => {
  test('piglatin', () => {
    expect(piglatin('Hello world! apple strength')).toBe('Ellohay orldway! appleway engthstray');
  });

  test('turns text/plain into pig Latin and drops the old Content-Length', async () => {
    const response = await fetch(await urlOf(latinator()(simpleApp)));
    expect(await response.text()).toBe('Ellohay orldway!\n');
    expect(response.headers.get('content-length')).not.toBe('13');
  });

  test('a word split across chunks is translated whole, and the inner close() runs once', async () => {
    let closeCalls = 0;
    const split: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '11']]);
      const body: Body = Object.assign([Buffer.from('hel'), Buffer.from('lo wor'), Buffer.from('ld')], {
        close: () => void closeCalls++,
      });
      return body;
    };
    const response = await fetch(await urlOf(latinator()(split)));
    expect(await response.text()).toBe('ellohay orldway');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closeCalls).toBe(1);
  });

  test('passes other types through untouched: the same array body', async () => {
    const body = [Buffer.from('{"hello":1}')];
    const json: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'application/json']]);
      return body;
    };
    const wrapped = latinator()(json);
    expect(await wrapped({} as never, () => () => undefined)).toBe(body);
    const response = await fetch(await urlOf(wrapped));
    expect(await response.text()).toBe('{"hello":1}');
  });
});

test('the demo app serves its routes', async () => {
  const url = await urlOf(demo);
  expect(await (await fetch(`${url}/hello`)).text()).toBe('Hello from tsgi!\n');
  expect(await (await fetch(`${url}/latin`)).text()).toBe('Ellohay orldway!\n');
  expect(await (await fetch(`${url}/class`)).text()).toBe('Hello world!\n');
  const echo = await fetch(`${url}/echo`, { method: 'POST', body: 'round trip', headers: { 'Content-Type': 'text/plain' } });
  expect(await echo.text()).toBe('round trip');
  const environ = (await (await fetch(`${url}/environ?x=1`)).json()) as Record<string, unknown>;
  expect(environ).toMatchObject({ PATH_INFO: '/environ', QUERY_STRING: 'x=1', SCRIPT_NAME: '' });
  const stream = await fetch(`${url}/stream`);
  expect(stream.headers.get('transfer-encoding')).toBe('chunked');
  expect(await stream.text()).toBe('tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n');
  expect((await fetch(`${url}/nowhere`)).status).toBe(404);
  expect(await (await fetch(`${url}/hello/Ada%20L`)).text()).toBe('Hello, Ada L!\n');
});

test('the demo stack: gzip on the items page, /admin behind Basic auth, a combined log line', async () => {
  const lines: string[] = [];
  const log = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const url = await urlOf(createDemo({ log }));
  const page = await rawGet(url, '/items', { 'Accept-Encoding': 'gzip' });
  expect(page.headers['content-encoding']).toBe('gzip');
  const items = JSON.parse(gunzipSync(page.body).toString()) as unknown[];
  expect(items).toHaveLength(200);
  expect(page.body.byteLength).toBeLessThan(JSON.stringify(items).length / 4);

  const refused = await fetch(`${url}/admin`);
  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm="tsgi demo"/);
  const admitted = await fetch(`${url}/admin/x`, {
    headers: { Authorization: `Basic ${Buffer.from('alice:wonderland').toString('base64')}` },
  });
  expect(await admitted.text()).toBe('Welcome, alice. You are at /admin/x\n');

  await new Promise((resolve) => setTimeout(resolve, 50)); // the log batches a turn
  expect(lines).toHaveLength(3);
  expect(lines[2]).toMatch(/^127\.0\.0\.1 - alice \[[^\]]+\] "GET \/admin\/x HTTP\/1\.1" 200 \d+ "-" "[^"]*"$/);
});
