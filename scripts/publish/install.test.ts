/**
 * The repository's own install: `pnpm install` links a working `tsgi` bin before any
 * build, leaves no dependency build waiting for `pnpm approve-builds` (the prompt a
 * newcomer would worry about), and every pending changeset names real packages.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, workspacePackages } from './packages.js';

test('node_modules/.bin/tsgi runs right after pnpm install, with no build', () => {
  const bin = path.join(ROOT, 'node_modules/.bin/tsgi');
  expect(existsSync(bin)).toBe(true);
  const cli = workspacePackages().find((p) => p.name === '@tsgi/cli')!;
  const out = execFileSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 20_000 });
  expect(out).toBe(`tsgi ${cli.manifest.version}\n`);
});

test('no dependency build script is left for pnpm approve-builds', () => {
  // pnpm records, at install, the builds it skipped because nobody allowed or ignored them.
  const state = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/.modules.yaml'), 'utf8')) as { ignoredBuilds?: string[] };
  expect(state.ignoredBuilds ?? []).toEqual([]);
});

test('every pending changeset names workspace packages and a bump', () => {
  const names = new Set(workspacePackages().map((p) => p.name));
  const dir = path.join(ROOT, '.changeset');
  const files = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const front = /^---\n([\s\S]*?)\n---\n\s*\S/.exec(text);
    expect({ file, front: front !== null }).toEqual({ file, front: true });
    for (const line of front![1]!.split('\n').filter((l) => l.trim() !== '')) {
      const match = /^["']?(@tsgi\/[a-z-]+)["']?:\s*(patch|minor|major)$/.exec(line.trim());
      expect({ file, line, known: match !== null && names.has(match[1]!) }).toEqual({ file, line, known: true });
    }
  }
});
