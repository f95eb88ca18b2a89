/**
 * inside-hono-h3.ts through each app's own fetch handler, in process, as a fetch
 * runtime calls it: rows gzipped by tsgi's gzip(), /admin refused without credentials
 * and answered with the user basicAuth() set, one JSON log line per request.
 */
import { gunzipSync } from 'node:zlib';
import { h3App, honoApp, ROWS } from './inside-hono-h3.js';

const ADA = 'Basic ' + Buffer.from('ada:lovelace').toString('base64');

type FetchApp = { fetch(request: Request): Response | Promise<Response> };
const APPS: Record<string, (lines: { write(line: string): unknown }) => FetchApp> = { Hono: honoApp, h3: h3App };

describe.each(Object.keys(APPS))('%s', (name) => {
  let lines: string[];
  let app: FetchApp;
  beforeEach(() => {
    lines = [];
    app = APPS[name]!({ write: (text: string) => lines.push(...text.split('\n').filter(Boolean)) });
  });
  const waitForLines = async (count: number): Promise<void> => {
    for (let i = 0; i < 200 && lines.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  test('/rows comes out gzipped by tsgi, logged once', async () => {
    const response = await app.fetch(new Request('http://localhost/rows', { headers: { 'Accept-Encoding': 'gzip' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.parse(gunzipSync(Buffer.from(await response.arrayBuffer())).toString())).toEqual(ROWS);
    await waitForLines(1);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ method: 'GET', status: 200 });
  });

  test('/admin answers 401 without credentials and the user with them', async () => {
    const refused = await app.fetch(new Request('http://localhost/admin/me'));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    // The log line is written when the body is done, as a runtime sending it would be.
    await refused.text();
    const allowed = await app.fetch(new Request('http://localhost/admin/me', { headers: { Authorization: ADA } }));
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ user: 'ada' });
    await waitForLines(2);
    expect(lines.map((line) => (JSON.parse(line) as { status: number }).status)).toEqual([401, 200]);
  });
});
