/**
 * The adapters conformance table (packages/adapters/test/table.ts, the one the Node
 * suite sends to seven hosts) as the runtime matrix sends it to Hono and h3 on Bun
 * and Deno (hosts-app.ts), with the Node suite's expectations: the status, the X-Tsgi
 * stamp the stack adds on the way out, gzip where expected (with Vary), the Basic
 * challenge on a 401, the decoded body; and in the runtime's output one access-log
 * line, one close() and the native route's mark exactly when it ran.
 *
 * One difference is Bun's, pinned here so that a fix shows: Bun keeps the Content-Type
 * the Fetch spec implies for a string body out of `Response.headers`
 * (`new Response('x').headers.get('content-type')` is null on Bun 1.4, `text/plain;
 * charset=UTF-8` on Node and Deno), and Hono's `c.text()` returns such a Response. So
 * on Bun the tsgi side sees Hono's /text without a type, gzip() leaves it alone, and
 * the client gets it without Content-Type (Bun adds one only to a string body it sends).
 * @module
 */
import { gzippedBy, type Case } from '../../packages/adapters/test/table.js';
import type { Reply, Sent } from './client.js';
import { HOST_APPS, type HostApp } from './hosts-app.js';
import type { Target } from './targets.js';

/** The names the Node suite gives the two fetch hosts. */
export const HOST_NAMES: Record<HostApp, string> = { hono: 'Hono', h3: 'h3' };

/** What the matrix compares of a reply from a host. */
export interface HostOutcome {
  status: number;
  /** X-Tsgi: the tsgi stack passed the response up. */
  stamped: boolean;
  /** Content-Encoding, unless the request was a HEAD (gzip decides from a length not every host gives). */
  encoding?: string;
  /** Vary names Accept-Encoding (asked only where gzip() compressed). */
  vary?: boolean;
  /** WWW-Authenticate is a Basic challenge (asked only on a 401). */
  challenge?: boolean;
  /** The body, decoded (asked only where the row names one). */
  body?: string;
}

/** The request `row` of the table is, sent to `app` behind the front door. */
export function sentTo(app: HostApp, row: Case): Sent {
  return {
    method: row.method ?? 'GET',
    path: `/${app}${row.path}`,
    headers: row.headers,
    body: row.send === undefined ? undefined : new TextEncoder().encode(row.send),
  };
}

/** A Hono `c.text()` answer on Bun: untyped on the tsgi side (see above). */
function untypedOnBun(row: Case, app: HostApp, runtime: string): boolean {
  return runtime === 'bun' && app === 'hono' && row.path === '/text';
}

/** What `row` must give from `app` on `runtime`, as the Node suite expects it. */
export function expectedOf(row: Case, app: HostApp, runtime: string): HostOutcome {
  const outcome: HostOutcome = { status: row.status, stamped: true };
  if (row.method !== 'HEAD') {
    outcome.encoding = gzippedBy(row, HOST_NAMES[app]) && !untypedOnBun(row, app, runtime) ? 'gzip' : undefined;
    if (row.gzip) outcome.vary = true;
  }
  if (row.status === 401) outcome.challenge = true;
  if (row.body !== undefined) outcome.body = row.body;
  return outcome;
}

/** What `reply` shows of the fields `expected` asks about. */
export function outcomeOf(reply: Reply, expected: HostOutcome): HostOutcome {
  const header = (name: string): string | undefined => {
    const value = reply.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const outcome: HostOutcome = { status: reply.status, stamped: header('x-tsgi') === 'stamped' };
  if ('encoding' in expected) outcome.encoding = header('content-encoding');
  if ('vary' in expected) outcome.vary = /accept-encoding/i.test(header('vary') ?? '');
  if ('challenge' in expected) outcome.challenge = /^Basic realm=/.test(header('www-authenticate') ?? '');
  if ('body' in expected) outcome.body = reply.body.toString('utf8');
  return outcome;
}

/** The lines `app` wrote to a runtime's output while one request ran. */
export interface HostLines {
  /** Access-log lines: `"GET /json HTTP/1.1" 200 ...`. */
  log: string[];
  /** Paths whose tsgi body was closed. */
  closed: string[];
  /** Paths whose native route ran. */
  ran: string[];
  /** Messages the host's own error handling saw. */
  hostErrors: string[];
}

/** Sorts the lines of `output` (a slice of a runtime's stdout) that `app` tagged. */
export function linesOf(output: string, app: HostApp): HostLines {
  const tag = `[${app}] `;
  const lines: HostLines = { log: [], closed: [], ran: [], hostErrors: [] };
  for (const line of output.split('\n')) {
    if (!line.startsWith(tag)) continue;
    const text = line.slice(tag.length);
    if (text.startsWith('closed ')) lines.closed.push(text.slice('closed '.length));
    else if (text.startsWith('ran ')) lines.ran.push(text.slice('ran '.length));
    else if (text.startsWith('host error: ')) lines.hostErrors.push(text.slice('host error: '.length));
    else if (/"[A-Z]+ \S+ HTTP\/1\.1" \d{3} /.test(text)) lines.log.push(text);
  }
  return lines;
}

/** The request line and status an access-log line for `row` holds. */
export function logged(method: string, path: string, status: number): string {
  return `"${method} ${path} HTTP/1.1" ${status} `;
}

/**
 * Runs `send` once per host target and app, then waits until each app's lines in each
 * runtime's output since then satisfy `done`, and a little longer for stray ones.
 */
export async function acrossHosts<T>(
  hosts: Target[],
  send: (target: Target, app: HostApp) => Promise<T>,
  done: (lines: HostLines) => boolean,
): Promise<Array<{ target: Target; app: HostApp; reply: T; lines: HostLines }>> {
  const before = hosts.map((target) => target.output().length);
  const runs = hosts.flatMap((target, i) => HOST_APPS.map((app) => ({ target, i, app })));
  const replies = await Promise.all(runs.map(({ target, app }) => send(target, app)));
  const lines = (): HostLines[] => runs.map(({ target, i, app }) => linesOf(target.output().slice(before[i]), app));
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && !lines().every(done)) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const settled = lines();
  return runs.map(({ target, app }, n) => ({ target, app, reply: replies[n]!, lines: settled[n]! }));
}
