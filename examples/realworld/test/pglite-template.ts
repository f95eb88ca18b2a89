/**
 * A migrated PGlite data directory to copy, for the tests that only need PGlite to run
 * (Bun, Deno) and not to be made: PGlite's first start runs initdb inside WASM, 15-30 s
 * on a loaded 2-core machine, against a few seconds to open an existing directory. The
 * template is made once by a Node child (PGlite cannot load under jest: its CommonJS
 * build import()s node built-ins) that opens, migrates and closes it cleanly, and is
 * kept in the temp directory under a name that changes with PGlite's version and the
 * migrations. The journey test still makes its database from nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '../../..');
const HERE = path.resolve(__dirname, '..');

function templateDir(): string {
  const pglite = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
  const migrations = createHash('sha256').update(readFileSync(path.join(HERE, 'src/db/migrations.ts'))).digest('hex').slice(0, 12);
  return path.join(tmpdir(), `conduit-pglite-template-${pglite.version}-${migrations}`);
}

/** Makes the template unless it is there; returns its directory. */
export function pgliteTemplate(): string {
  const template = templateDir();
  if (!existsSync(path.join(template, 'READY'))) {
    const building = mkdtempSync(`${template}-building-`);
    const script = [
      `const { openDatabase } = await import(${JSON.stringify(pathToFileURL(path.join(HERE, 'src/db/database.ts')).href)});`,
      `const { migrate } = await import(${JSON.stringify(pathToFileURL(path.join(HERE, 'src/db/migrations.ts')).href)});`,
      `const db = await openDatabase({ dataDir: ${JSON.stringify(path.join(building, 'data'))} });`,
      'await migrate(db);',
      'await db.close();',
    ].join('\n');
    const loader = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
    const made = spawnSync(process.execPath, ['--import', loader, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 150_000 });
    if (made.status !== 0) throw new Error(`making the PGlite template failed (${made.status}):\n${made.stdout}\n${made.stderr}`);
    writeFileSync(path.join(building, 'READY'), '');
    try {
      renameSync(building, template);
    } catch {
      // Another test process made it first: theirs is as good.
      rmSync(building, { recursive: true, force: true });
    }
  }
  return template;
}

/** A fresh copy of the template's database (made first if missing); the caller removes it. */
export function pgliteCopy(): string {
  const template = pgliteTemplate();
  const copy = mkdtempSync(path.join(tmpdir(), 'conduit-pglite-'));
  cpSync(path.join(template, 'data'), copy, { recursive: true });
  return copy;
}
