/**
 * Finds the fenced code blocks of a Markdown file and the marker comments above them,
 * for code-blocks.test.ts: every ```ts block in the docs and READMEs is type-checked,
 * so a documented example cannot drift from the API it shows.
 *
 * Markers are HTML comments on the lines just above a fence (blank lines allowed in
 * between), invisible once rendered:
 * - `<!-- not-compiled: reason -->` skips the block (the reason is required);
 * - `<!-- file: examples/guide-x.ts -->` means the block must equal that file, which
 *   the test suite runs;
 * - `<!-- prelude: declare const users: Record<string, string>; -->` is TypeScript
 *   put before the block when it is compiled, for names a snippet takes as given.
 *
 * @example
 * for (const block of markdownBlocks(readFileSync('README.md', 'utf8'))) {
 *   if (block.lang === 'ts') console.log(block.line, block.code);
 * }
 * @module
 */

export interface MarkdownBlock {
  /** The info string's first word, lower-cased: 'ts', 'sh', 'text', or '' for none. */
  lang: string;
  /** The block's text, without the fences, ending in a newline unless empty. */
  code: string;
  /** 1-based line number of the opening fence. */
  line: number;
  /** The reason given by a `not-compiled` marker. */
  notCompiled?: string;
  /** The repository path given by a `file` marker. */
  file?: string;
  /** TypeScript from `prelude` markers, in order. */
  prelude?: string;
}

/** Languages whose blocks are compiled. */
export const COMPILED_LANGS: ReadonlySet<string> = new Set(['ts', 'typescript']);

// A fence: up to three spaces, then three or more backticks or tildes (CommonMark 4.5).
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const MARKER = /<!--\s*(not-compiled|file|prelude)\s*:([\s\S]*?)-->/g;

/**
 * The HTML comments directly above line `index` (blank lines between are skipped), as
 * one string; stops at the first line that is not part of a comment.
 */
function commentsAbove(lines: readonly string[], index: number): string {
  const found: string[] = [];
  let i = index - 1;
  for (;;) {
    while (i >= 0 && lines[i]!.trim() === '') i--;
    if (i < 0 || !lines[i]!.trimEnd().endsWith('-->')) break;
    // Walk up to the line that opens this comment (a comment may span lines).
    const end = i;
    while (i >= 0 && !lines[i]!.includes('<!--')) i--;
    if (i < 0 || !lines[i]!.trimStart().startsWith('<!--')) break;
    found.unshift(lines.slice(i, end + 1).join('\n'));
    i--;
  }
  return found.join('\n');
}

function applyMarkers(block: MarkdownBlock, comments: string): void {
  for (const match of comments.matchAll(MARKER)) {
    const kind = match[1]!;
    const value = match[2]!.trim();
    if (kind === 'not-compiled') {
      block.notCompiled = value;
    } else if (kind === 'file') {
      block.file = value;
    } else {
      block.prelude = block.prelude === undefined ? value : `${block.prelude}\n${value}`;
    }
  }
}

/** Every fenced block of `markdown`, in order; an unclosed fence runs to the end (as CommonMark says). */
export function markdownBlocks(markdown: string): MarkdownBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: MarkdownBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]!);
      // A closing fence: same character, at least as long, no info string.
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length && close[2] === '') break;
      body.push(lines[j]!);
    }
    const block: MarkdownBlock = {
      lang: open[2]!.toLowerCase(),
      code: body.length ? body.join('\n') + '\n' : '',
      line: i + 1,
    };
    applyMarkers(block, commentsAbove(lines, i));
    blocks.push(block);
    i = j;
  }
  return blocks;
}
