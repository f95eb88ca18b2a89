/**
 * `pnpm test:install` (the last step of `pnpm test`) and `pnpm check:packages`:
 * builds and packs every package into a temp folder, checks each tarball (rules,
 * publint, attw: check-tarballs.ts), then, unless `--tarballs-only`, runs the
 * consumer test (consumer.ts) on those same tarballs.
 *
 * @example
 * // $ tsx scripts/publish/verify.ts                  # everything
 * // $ tsx scripts/publish/verify.ts --tarballs-only  # what `pnpm release` checks
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkTarballs } from './check-tarballs.js';
import { runConsumer } from './consumer.js';
import { packAll } from './pack-all.js';

async function main(): Promise<void> {
  const started = Date.now();
  const scratch = mkdtempSync(path.join(tmpdir(), 'tsgi-publish-'));
  const packed = await packAll(path.join(scratch, 'packs'));
  const problems = await checkTarballs(packed, path.join(scratch, 'unpacked'));
  if (problems.length > 0) throw new Error(`${problems.length} publishing problem(s):\n- ${problems.join('\n- ')}`);
  process.stdout.write(`ok - ${packed.length} tarballs: contents, exports targets, source maps, publint, attw\n`);
  if (!process.argv.includes('--tarballs-only')) await runConsumer(packed);
  rmSync(scratch, { recursive: true, force: true });
  process.stdout.write(`publish checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
