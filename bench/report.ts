/**
 * `npx tsx bench/report.ts`: turns bench/results/latest.json (written by `pnpm bench`)
 * into the tables of docs/benchmarks.md (between the `results` markers; the prose
 * around them is kept) and docs/benchmarks.svg, a bar chart of every scenario's
 * req/s ratio to node:http, drawn here as plain SVG text.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMarkdown, renderSvg, type Latest } from './lib/render.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const START = '<!-- results:start (written by bench/report.ts) -->';
const END = '<!-- results:end -->';

function main(): void {
  const latestFile = join(ROOT, 'bench', 'results', 'latest.json');
  if (!existsSync(latestFile)) throw new Error(`no ${latestFile}: run \`pnpm bench\` first`);
  const latest = JSON.parse(readFileSync(latestFile, 'utf8')) as Latest;
  const docFile = join(ROOT, 'docs', 'benchmarks.md');
  const doc = readFileSync(docFile, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/benchmarks.md has no ${START} ... ${END} block`);
  const tables = renderMarkdown(latest);
  writeFileSync(docFile, doc.slice(0, start + START.length) + '\n\n' + tables + '\n' + doc.slice(end));
  writeFileSync(join(ROOT, 'docs', 'benchmarks.svg'), renderSvg(latest));
  console.log('wrote docs/benchmarks.md and docs/benchmarks.svg');
}

main();
