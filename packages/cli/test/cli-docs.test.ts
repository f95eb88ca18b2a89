/**
 * docs/deploying.md's settings table and `tsgi --help` against the settings table in
 * settings.ts: every flag is documented, and the table names no flag tsgi lacks.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { helpText } from '../src/cli-help.js';
import { flagName, SETTING_SPECS } from '../src/settings.js';

const docs = readFileSync(path.resolve(__dirname, '../../../docs/deploying.md'), 'utf8');
const table = docs.slice(docs.indexOf('| gunicorn | tsgi |'), docs.indexOf('### Workers and signals'));
const flags = SETTING_SPECS.filter((spec) => spec.key !== 'app').map((spec) => `--${flagName(spec.key)}`);

test('every setting has a row in the gunicorn settings table and a line in --help', () => {
  expect(table.length).toBeGreaterThan(1000);
  for (const flag of flags) {
    expect([flag, table.includes(`\`${flag}`)]).toEqual([flag, true]);
    expect([flag, helpText().includes(`${flag} `)]).toEqual([flag, true]);
  }
});

test('the table names no tsgi flag that does not exist', () => {
  const named = new Set([...table.matchAll(/`(--[a-z-]+)/g)].map((match) => match[1]!));
  const known = new Set([...flags, '--config']);
  expect([...named].filter((flag) => !known.has(flag))).toEqual([]);
});

test('the CLI docs say, in prose, that workers share no memory and what does share state', () => {
  const serverReadme = readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
  for (const text of [docs, serverReadme]) {
    const section = text.slice(text.indexOf('### Workers share no memory')).replace(/\s+/g, ' ');
    expect(section.length).toBeGreaterThan(400);
    for (const point of ['its own memory', 'session store', 'once per worker', 'Redis', 'primary', '--workers 1']) {
      expect([point, section.includes(point)]).toEqual([point, true]);
    }
  }
});

test('the README says to create the project as ES modules before installing', () => {
  const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
  const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('### Module formats'));
  for (const point of ['mkdir my-app && cd my-app && npm init -y', '"type": "module"', 'npm pkg set type=module', '`.mjs`', '`.mts`']) {
    expect([point, install.includes(point)]).toEqual([point, true]);
  }
  expect(install.indexOf('npm init -y')).toBeLessThan(install.indexOf('npm install'));
});
