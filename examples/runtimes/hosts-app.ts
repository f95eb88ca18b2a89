/**
 * tsgi middleware inside Hono and h3 on any fetch runtime: the adapters conformance
 * suite's two fetch hosts (packages/adapters/test/fetch-hosts.ts, the Hono and h3 apps
 * the Node suite serves) with its tsgi stack (stack.ts: access log, gzip, basicAuth on
 * /private, a tsgi router route, lint) mounted by `toHono` and `toH3`, behind one fetch
 * handler: `/hono/...` is the Hono app, `/h3/...` the h3 app, the first segment taken
 * off as a reverse proxy's location would, so each app sees the paths the Node suite
 * sends. hosts-bun.ts and hosts-deno.ts serve it; matrix.test.ts sends the suite's
 * table to it (hosts-table.ts).
 *
 * Each line the apps report goes to `out`, tagged with the app: `[hono] <access-log
 * line>`, `[hono] closed /json` (the tsgi body's close()), `[hono] ran /json` (a
 * native route ran), `[hono] host error: boom below` (the host's own error handling).
 * Nothing runs at import or factory time but building the two apps.
 *
 * @example
 * export default { fetch: hostsFetch((line) => console.log(line)) };
 * @module
 */
import { h3Host, honoHost, type FetchApp, type NativeProbe } from '../../packages/adapters/test/fetch-hosts.js';
import { tsgiStack } from '../../packages/adapters/test/stack.js';

/** The apps behind the front door, by the first path segment. */
export const HOST_APPS = ['hono', 'h3'] as const;
export type HostApp = (typeof HOST_APPS)[number];

/** Milliseconds between the two events of /sse (the Node suite's test opens a gate instead). */
export const SSE_GAP_MS = 300;

function probeFor(tag: string, out: (line: string) => void): NativeProbe {
  return {
    ran: (path) => out(`${tag} ran ${path}`),
    hostError: (message) => out(`${tag} host error: ${message}`),
    sseGate: () => new Promise((resolve) => setTimeout(resolve, SSE_GAP_MS)),
    foreverStopped: () => out(`${tag} forever stopped`),
  };
}

/** The fetch handler serving both apps; `out` gets one line at a time, without a newline. */
export function hostsFetch(out: (line: string) => void): (request: Request) => Promise<Response> {
  const apps = {} as Record<HostApp, FetchApp>;
  for (const name of HOST_APPS) {
    const tag = `[${name}]`;
    const stack = tsgiStack({ line: (text) => out(`${tag} ${text}`), closed: (path) => out(`${tag} closed ${path}`) });
    apps[name] = (name === 'hono' ? honoHost : h3Host)(stack, probeFor(tag, out));
  }
  return async function hostsFrontDoor(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const slash = url.pathname.indexOf('/', 1);
    const name = url.pathname.slice(1, slash === -1 ? undefined : slash);
    const app = (HOST_APPS as readonly string[]).includes(name) ? apps[name as HostApp] : undefined;
    if (app === undefined) return new Response(`no app at /${name}: try /hono/... or /h3/...\n`, { status: 404 });
    url.pathname = slash === -1 ? '/' : url.pathname.slice(slash);
    // The same request (method, headers, body stream) at the path the app knows.
    return app.fetch(new Request(url, request));
  };
}
