/**
 * Router dispatch through the public API, alone (dispatch.ts says what is measured;
 * `pnpm bench`'s `router` scenario runs the same through router.bench.ts):
 *
 *   npx tsx bench/router/dispatch.bench.ts [class ...]     e.g. 405 404
 *
 * Prints a table and writes bench/results/router-dispatch.json. Ratios from one run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureDispatch, printDispatch } from './dispatch.js';

const names = process.argv.slice(2);
const rows = measureDispatch(names.length ? names : undefined);
printDispatch(rows);

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'router-dispatch.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ benchmark: 'router dispatch through the public API', date: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n');
console.log(`wrote ${out}`);
