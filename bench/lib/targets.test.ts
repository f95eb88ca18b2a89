/** Every hello-world target answers the same body, so the bench compares like with like. */
import type { Target } from './target.js';
import { HELLO_TEXT } from './target.js';
import rawNode from '../targets/raw-node.js';
import tsgi from '../targets/tsgi.js';
import connectTarget from '../targets/connect.js';
import fastify from '../targets/fastify.js';
import hono from '../targets/hono.js';
import koa from '../targets/koa.js';
import expressTarget from '../targets/express.js';

const targets: Target[] = [rawNode, tsgi, connectTarget, fastify, hono, koa, expressTarget];

test.each(targets.map((target) => [target.name, target] as const))('%s answers hello world', async (_name, target) => {
  const started = await target.start('hello', 0);
  try {
    const response = await fetch(`http://127.0.0.1:${started.port}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('content-length')).toBe(String(HELLO_TEXT.length));
    expect(await response.text()).toBe(HELLO_TEXT);
  } finally {
    await started.close();
  }
});

test('an unknown scenario is refused', async () => {
  await expect(async () => rawNode.start('nope', 0)).rejects.toThrow(/no scenario "nope"/);
});
