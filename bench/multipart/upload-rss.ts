/**
 * Peak RSS of a server taking 100 concurrent 10 MB multipart uploads, against its peak
 * for one: a parser that streams holds a chunk or two per upload, never the file, so
 * the peak for 100 stays under twice the peak for one (issue #28's goal). The server is
 * a bench target (bench/targets/<module>.ts, any row of the `upload-10mb` scenario) in
 * its own process; the body is the scenario's (bench/lib/workload.ts), sent by node:http
 * clients in this process.
 *
 * The peak is the kernel's high-water mark (VmHWM in /proc/<pid>/status), reset before
 * each phase through /proc/<pid>/clear_refs (needs root or the same user), so no sample
 * interval can miss it. Phases: one warm-up upload, one upload alone, then 100 at once.
 *
 * Run: npx tsx bench/multipart/upload-rss.ts [module] [variant]   (default: tsgi upload)
 * Exits non-zero when the peak for 100 is 2x the peak for one or more, or an upload fails.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { configFromEnv, startTarget } from '../lib/harness.js';
import { UPLOAD_ANSWER, UPLOAD_HEADERS, UPLOAD_PATH, uploadRequestBody } from '../lib/workload.js';

const module = process.argv[2] ?? 'tsgi';
const variant = process.argv[3] ?? 'upload';
const CONCURRENT = Number(process.env.UPLOADS ?? 100);

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

function upload(port: number, body: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: UPLOAD_PATH, method: 'POST', headers: UPLOAD_HEADERS, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(res.statusCode === 200 && Buffer.concat(chunks).equals(UPLOAD_ANSWER)));
    });
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

/** Runs `work` and returns the server's peak RSS during it (and its RSS before). */
async function peakDuring(pid: number, work: () => Promise<boolean[]>): Promise<{ before: number; peak: number; ok: number }> {
  // Let the last phase's garbage go before the mark is reset.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
  const before = status(pid, 'VmRSS');
  const results = await work();
  return { before, peak: status(pid, 'VmHWM'), ok: results.filter(Boolean).length };
}

async function main(): Promise<void> {
  // The harness's child (bench/lib/child.ts), on the built packages, as `pnpm bench` runs it.
  const target = await startTarget(module, variant, configFromEnv().serverCpu);
  const port = Number(new URL(target.url).port);
  const child = target.child;
  const pid = child.pid!;
  const body = uploadRequestBody();
  try {
    await upload(port, body); // warm-up: code compiled, buffers pooled
    const one = await peakDuring(pid, async () => [await upload(port, body)]);
    const many = await peakDuring(pid, () => Promise.all(Array.from({ length: CONCURRENT }, () => upload(port, body))));
    console.log(`${module} ${variant}: ${mb(body.byteLength)} uploads`);
    console.log(`one upload:   RSS ${mb(one.before)} before, peak ${mb(one.peak)} (+${mb(one.peak - one.before)}), ${one.ok}/1 answered`);
    console.log(`${CONCURRENT} at once: RSS ${mb(many.before)} before, peak ${mb(many.peak)} (+${mb(many.peak - many.before)}), ${many.ok}/${CONCURRENT} answered`);
    const ratio = many.peak / one.peak;
    console.log(`peak for ${CONCURRENT} / peak for one: ${ratio.toFixed(2)}x (goal < 2x)`);
    if (ratio >= 2 || one.ok !== 1 || many.ok !== CONCURRENT) process.exitCode = 1;
  } finally {
    await target.stop();
  }
}

void main();
