/**
 * Checks packed tarballs the way a registry user meets them: each is unpacked, its
 * files and packed package.json go through the publishing rules (rules.ts:
 * `tarballProblems`), publint lints the unpacked folder (strict, suggestions count),
 * and `attw` (Are the types wrong?) resolves it as node10, node16 from CommonJS,
 * node16 from ESM and bundler would. Any finding is a problem.
 *
 * @example
 * const problems = await checkTarballs(await packAll(dir), dir);
 *
 * @see https://publint.dev/rules
 * @see https://github.com/arethetypeswrong/arethetypeswrong.github.io
 * @module
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import type { Packed } from './pack-all.js';
import { ROOT, type Manifest } from './packages.js';
import { repositoryFacts, tarballProblems } from './rules.js';

const run = promisify(execFile);
const ATTW = path.join(ROOT, 'node_modules/.bin/attw');

/** Every file under `dir`, as paths relative to it with `/`. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** Unpacks `tarball` into `into/<basename>/package` and returns that folder. */
function unpack(tarball: string, into: string): string {
  const dir = path.join(into, path.basename(tarball, '.tgz'));
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  return path.join(dir, 'package');
}

/** The problems of one tarball, each a sentence starting with the package name. */
export async function checkTarball(packed: Packed, scratch: string): Promise<string[]> {
  const dir = unpack(packed.file, scratch);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
  const problems = tarballProblems(manifest, listFiles(dir), (file) => readFileSync(path.join(dir, file), 'utf8'), repositoryFacts());
  const linted = await publint({ pkgDir: dir, pack: false, level: 'suggestion', strict: true });
  for (const message of linted.messages) problems.push(`${packed.name}: publint: ${formatMessage(message, manifest) ?? message.code}`);
  try {
    await run(ATTW, [packed.file, '--format', 'table-flipped', '--no-color'], { cwd: scratch });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    problems.push(`${packed.name}: attw found problems:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  return problems;
}

/** Checks every tarball, two at a time (attw takes a second or two each). */
export async function checkTarballs(packed: readonly Packed[], scratch: string): Promise<string[]> {
  const problems: string[] = [];
  const queue = [...packed];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) problems.push(...(await checkTarball(next, scratch)));
  };
  await Promise.all([worker(), worker()]);
  return problems;
}
