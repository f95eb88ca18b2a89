/**
 * The `session` scenario's rows really read and write the visitor's session: each
 * answers the fixture's Cookie header with X-Visits 42 (the fixture holds 41), so the
 * cookie each row reads was accepted (tsgi's, sealed here with node:crypto, opens in
 * @tsgi/session's WebCrypto keyring), and a second request shows where the write went.
 */
import { request } from 'node:http';
import { SCENARIOS } from './scenarios.js';
import type { Target } from './target.js';
import tsgi from '../targets/tsgi.js';
import expressTarget from '../targets/express.js';

const MODULES: Record<string, Target> = { tsgi, express: expressTarget };
const SESSION = SCENARIOS.find((s) => s.name === 'session')!;

function get(port: number, headers: Readonly<Record<string, string>>): Promise<Record<string, string | string[] | undefined>> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: SESSION.path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

// Server-side stores count on (43); cookie stores start again from the cookie sent (42).
const SECOND: Record<string, string> = {
  'tsgi+session(cookie)': '42',
  'tsgi+session(memory)': '43',
  'express+cookie-session': '42',
  'express+express-session': '43',
};

test.each(SESSION.rows.filter((row) => row.variant.includes('session')).map((row) => [row.id, row] as const))('%s reads the fixture session and writes the count', async (id, row) => {
  const started = await MODULES[row.module]!.start(row.variant, 0);
  try {
    const first = await get(started.port, SESSION.headers);
    expect(first['x-visits']).toBe('42');
    if (id.includes('cookie')) expect(String(first['set-cookie'])).toMatch(/^(tsgi\.cookie|session)=/);
    expect((await get(started.port, SESSION.headers))['x-visits']).toBe(SECOND[id]);
  } finally {
    await started.close();
  }
});
