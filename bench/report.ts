/**
 * `npx tsx bench/report.ts`: turns bench/results/latest.json (written by `pnpm bench`)
 * into the tables of docs/benchmarks.md (between the `results` markers; the prose
 * around them is kept) and docs/benchmarks.svg, a bar chart of every scenario's
 * req/s ratio to node:http, drawn here as plain SVG text. Each scenario's notes, the
 * text after its tables' `NOTES_MARK` up to the next scenario, stay with it; notes of
 * a scenario no longer rendered are kept at the end, under their old heading, so no
 * writing is lost to a new run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMarkdown, renderSvg, type Latest } from './lib/render.js';
import { notesOf, withNotes } from './lib/report-notes.js';

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
  const notes = notesOf(doc.slice(start + START.length, end));
  const tables = withNotes(renderMarkdown(latest), notes);
  writeFileSync(docFile, doc.slice(0, start + START.length) + '\n\n' + tables.trimEnd() + '\n\n' + doc.slice(end));
  writeFileSync(join(ROOT, 'docs', 'benchmarks.svg'), renderSvg(latest));
  console.log('wrote docs/benchmarks.md and docs/benchmarks.svg');
}

main();
