/**
 * The API reference's script has a name pnpm does not own: `pnpm docs` is pnpm's own
 * command (it opens a package's web page) and never runs a script of that name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './publish/packages.js';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const PNPM_COMMANDS = ['docs', 'home', 'bugs', 'repo', 'view', 'info', 'test', 'install', 'add', 'remove', 'update', 'publish', 'pack', 'why', 'outdated', 'audit', 'link', 'store'];

test('the typedoc script is api-docs, and the READMEs name it', () => {
  expect(manifest.scripts['api-docs']).toMatch(/^typedoc /);
  expect(manifest.scripts.docs).toBeUndefined();
  for (const file of ['README.md', 'docs/README.md']) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text).toContain('pnpm api-docs');
  }
});

test('no script but test and start shadows a built-in pnpm command', () => {
  const shadowing = Object.keys(manifest.scripts).filter((name) => PNPM_COMMANDS.includes(name) && name !== 'test');
  expect(shadowing).toEqual([]);
});
