/**
 * The rows of the `cors`, `secure-headers` and `websec-stack` scenarios do the same
 * work: every CORS row reflects the allowed origin with credentials and Vary: Origin,
 * every security-headers row sends helmet's default headers with helmet's values (and
 * no HSTS), and the tsgi stack with both sends both. scenarios.test.ts checks bodies.
 */
import { request } from 'node:http';
import { SCENARIOS } from './scenarios.js';
import type { Target } from './target.js';
import { CORS_RESPONSE, SECURE_RESPONSE } from './websec.js';
import rawNode from '../targets/raw-node.js';
import tsgi from '../targets/tsgi.js';
import hono from '../targets/hono.js';
import expressTarget from '../targets/express.js';

const MODULES: Record<string, Target> = { 'raw-node': rawNode, tsgi, hono, express: expressTarget };

function headersOf(port: number, path: string, headers: Readonly<Record<string, string>>): Promise<Record<string, string | string[] | undefined>> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const lower = (record: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(record).map(([name, value]) => [name.toLowerCase(), value]));

/** Rows of `name` whose variant does the middleware's work (not the plain tsgi reference row). */
function working(name: string): Array<[string, string, Target, string]> {
  const scenario = SCENARIOS.find((s) => s.name === name)!;
  return scenario.rows.filter((row) => row.variant !== 'hello' && row.variant !== 'stack').map((row) => [row.id, row.variant, MODULES[row.module]!, scenario.path]);
}

const CORS = SCENARIOS.find((s) => s.name === 'cors')!;
const STACK = SCENARIOS.find((s) => s.name === 'websec-stack')!;

test.each(working('cors'))('cors: %s reflects the origin with credentials and Vary: Origin', async (_id, variant, target, path) => {
  const started = await target.start(variant, 0);
  try {
    const headers = await headersOf(started.port, path, CORS.headers);
    for (const [name, value] of Object.entries(lower(CORS_RESPONSE))) expect([name, headers[name]]).toEqual([name, value]);
  } finally {
    await started.close();
  }
});

test.each(working('secure-headers'))("secure-headers: %s sends helmet's defaults and no HSTS", async (_id, variant, target, path) => {
  const started = await target.start(variant, 0);
  try {
    const headers = await headersOf(started.port, path, {});
    for (const [name, value] of Object.entries(lower(SECURE_RESPONSE))) {
      // Hono joins CSP directives with '; ', helmet with ';': the same policy.
      const got = name === 'content-security-policy' ? String(headers[name]).replaceAll('; ', ';') : headers[name];
      expect([name, got]).toEqual([name, value]);
    }
    expect(headers['strict-transport-security']).toBeUndefined();
  } finally {
    await started.close();
  }
});

test('websec-stack: the tsgi stack with both sends the CORS and the security headers', async () => {
  const row = STACK.rows.find((r) => r.variant === 'stack+websec')!;
  const started = await MODULES[row.module]!.start(row.variant, 0);
  try {
    const headers = await headersOf(started.port, STACK.path, STACK.headers);
    expect(headers['access-control-allow-origin']).toBe(CORS_RESPONSE['Access-Control-Allow-Origin']);
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers.vary).toBe('Accept-Encoding, Origin');
  } finally {
    await started.close();
  }
});
