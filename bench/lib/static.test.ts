/**
 * The static scenarios' rows (bench/targets/static.ts) each answer the benchmarked
 * file with the same bytes, run in child processes exactly as `pnpm bench` starts
 * them (bench/lib/child.ts under tsx; @tsgi/* from sources through tsconfig paths).
 * The peers with validators send an ETag, so none is measured doing less.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SCENARIOS } from './scenarios.js';

const ROOT = join(__dirname, '..', '..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

/** Starts one row's server and resolves with its port. */
function start(variant: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/lib/child.ts'), join(ROOT, 'bench/targets/static.ts'), variant], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`static target ${variant} not ready within 15 s`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)\n/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`static target ${variant} exited with ${code}`)));
  });
}

const scenarios = SCENARIOS.filter((scenario) => scenario.name.startsWith('static-'));
const variants = [...new Set(scenarios.flatMap((scenario) => scenario.rows.map((row) => row.variant)))];

test('there are two static scenarios of four rows', () => {
  expect(scenarios.map((s) => s.name)).toEqual(['static-1k', 'static-1m']);
  expect(variants.sort()).toEqual(['fastify', 'raw-node', 'serve-static', 'tsgi']);
});

test.each(variants)('%s answers both files byte for byte', async (variant) => {
  const port = await start(variant);
  for (const scenario of scenarios) {
    const res = await fetch(`http://127.0.0.1:${port}${scenario.path}`, { headers: scenario.headers, signal: AbortSignal.timeout(5000) });
    expect([scenario.name, res.status]).toEqual([scenario.name, scenario.expect.status]);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('content-length')).toBe(String(scenario.expect.body.byteLength));
    if (variant !== 'raw-node') expect(res.headers.get('etag')).toMatch(/"/);
    expect(Buffer.from(await res.arrayBuffer()).equals(scenario.expect.body)).toBe(true);
  }
}, 30_000);
