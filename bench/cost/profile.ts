/**
 * Reads a `node --cpu-prof` profile of a hello server and splits its busy time by
 * stage of a request: `tsx bench/cost/profile.ts <file.cpuprofile> <requests> [--top 25]`.
 * Each sample's self time goes to the stage its function's file belongs to (the
 * table below); idle time is left out. Printed per stage as % of busy time and, with
 * the number of requests served while profiling, in µs per request.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins: [stage, test on `url` or `functionName`]. */
const STAGES: Array<[string, RegExp]> = [
  ['gc', /^\(garbage collector\)$/],
  ['parse + IncomingMessage', /_http_common|_http_incoming|internal\/http|^node:_http_server:parser|freelist/],
  ['environ', /server\/src\/environ|core\/src\/(cgi|native-string|util)|server\/src\/input/],
  ['startResponse + checks', /core\/src\/(response-state|headers|status)/],
  ['body walk', /core\/src\/(response-driver|body-walk|body-check|response-sink|promise)/],
  ['gateway glue', /server\/src\/|@tsgi|core\/src\//],
  ['fastify', /node_modules\/.*(fastify|find-my-way|light-my-request|avvio|abstract-logging|pino|fast-json|process-warning|toad-cache|rfdc)/],
  ['write (node http out, net, streams)', /_http_outgoing|_http_server|node:net|internal\/streams|stream_base|internal\/net|writev|writeBuffer|writeUtf8String|^node:events|internal\/(timers|async_hooks|process\/task_queues)/],
  ['app', /bench\/cost\/server/],
  ['native / program', /^\((program)\)$|^$/],
];

const [file, requestArg] = process.argv.slice(2);
if (!file || !requestArg) throw new Error('usage: profile.ts <file.cpuprofile> <requests> [--top n]');
const requests = Number(requestArg);
const topAt = process.argv.indexOf('--top');
const top = topAt === -1 ? 20 : Number(process.argv[topAt + 1]);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
// A frame in the esbuild bundle (bench/cost/measure.ts builds it) is given the source
// file named by the nearest `// path/to/file.ts` header above its line.
const bundles = new Map<string, Array<[number, string]>>();
function sourceOf(url: string, line: number): string {
  if (!url.endsWith('.mjs') || !url.includes('tsgi-cost')) return url;
  let headers = bundles.get(url);
  if (headers === undefined) {
    headers = [];
    const lines = readFileSync(new URL(url), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = /^\/\/ ((?:packages|bench|node_modules)\/\S+)$/.exec(lines[i]!);
      if (m) headers.push([i, m[1]!]);
    }
    bundles.set(url, headers);
  }
  let found = url;
  for (const [at, path] of headers) {
    if (at > line) break;
    found = path;
  }
  return found;
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const stages = new Map<string, number>();
const functions = new Map<string, number>();
let busy = 0;
for (const [id, us] of self) {
  const frame = byId.get(id)!.callFrame;
  const { functionName, lineNumber } = frame;
  const url = sourceOf(frame.url, lineNumber);
  if (functionName === '(idle)') continue;
  busy += us;
  const key = url === '' ? functionName : url;
  const stage = STAGES.find(([, re]) => re.test(key) || re.test(functionName))?.[0] ?? `other (${key.replace(/^.*node_modules\//, '')})`;
  stages.set(stage, (stages.get(stage) ?? 0) + us);
  const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(packages|node_modules)\//, '')}:${lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + us);
}
const row = (name: string, us: number): string =>
  `${name.padEnd(44)} ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / requests).toFixed(2).padStart(7)} µs/req`;
console.log(`busy ${(busy / 1000).toFixed(0)} ms over ${requests} requests = ${(busy / requests).toFixed(2)} µs/request`);
for (const [name, us] of [...stages].sort((a, b) => b[1] - a[1])) console.log(row(name, us));
console.log(`\ntop ${top} functions by self time`);
for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(row(name.slice(0, 44), us));
