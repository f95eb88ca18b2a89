/**
 * The notes written by hand under a scenario's generated tables in docs/benchmarks.md
 * (everything after the scenario's `NOTES_MARK` up to the next scenario's heading):
 * read from the old results block and put back under the same scenario in the new one
 * by bench/report.ts, so a new bench run never drops what was written about a result.
 *
 * @example
 * const block = withNotes(renderMarkdown(latest), notesOf(oldBlock));
 * @module
 */
import { NOTES_MARK } from './render.js';

/** The block's scenario sections by heading line (`### ...`); text before the first is dropped (generated). */
function sections(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of ('\n' + block).split('\n### ').slice(1)) out.set(part.slice(0, part.indexOf('\n')), part);
  return out;
}

/** The notes of each scenario in the old block: what follows its NOTES_MARK. */
export function notesOf(block: string): Map<string, string> {
  const notes = new Map<string, string>();
  for (const [heading, text] of sections(block)) {
    const at = text.indexOf(NOTES_MARK);
    const note = at < 0 ? '' : text.slice(at + NOTES_MARK.length).trim();
    if (note !== '') notes.set(heading, note);
  }
  return notes;
}

/** `tables` with each scenario's old notes after its mark, and any left over at the end. */
export function withNotes(tables: string, notes: Map<string, string>): string {
  const left = new Map(notes);
  const out = tables.replace(/^### (.*)$[\s\S]*?^<!-- notes: kept by bench\/report\.ts -->$/gm, (section: string, heading: string) => {
    const note = left.get(heading);
    left.delete(heading);
    return note === undefined ? section : `${section}\n\n${note}`;
  });
  let rest = '';
  for (const [heading, note] of left) rest += `\n### ${heading}\n\n${NOTES_MARK}\n\n${note}\n`;
  return out + rest;
}
