/**
 * Every ```ts block in README.md, docs/**\/*.md and packages/*\/README.md is
 * type-checked against the real sources, in one TypeScript program built with the
 * root tsconfig's options and paths (so `@tsgi/*` resolves to packages/*\/src).
 * A block marked `<!-- file: examples/guide-x.ts -->` must equal that file, which
 * examples/guide.test.ts runs over a real server. See markdown-blocks.ts for markers.
 *
 * Each block becomes its own ES module under docs/test/.blocks/ (gitignored, removed
 * afterwards unless KEEP_BLOCKS=1), so top-level await works and blocks do not share
 * names. A failure names the Markdown file, the block's index and its line.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { COMPILED_LANGS, markdownBlocks, type MarkdownBlock } from './markdown-blocks.js';

const ROOT = resolve(__dirname, '../..');
const OUT = join(__dirname, '.blocks');

/** README.md, docs/**\/*.md (not the generated API pages) and each package README. */
function markdownFiles(): string[] {
  const found: string[] = [];
  if (existsSync(join(ROOT, 'README.md'))) found.push('README.md');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules' && path !== 'docs/api') walk(path);
      } else if (entry.name.endsWith('.md')) {
        found.push(path);
      }
    }
  };
  walk('docs');
  for (const name of readdirSync(join(ROOT, 'packages'))) {
    if (existsSync(join(ROOT, 'packages', name, 'README.md'))) found.push(`packages/${name}/README.md`);
  }
  return found.sort();
}

interface Compiled {
  source: string;
  index: number;
  block: MarkdownBlock;
  /** Path of the generated module. */
  path: string;
  /** Lines the prelude adds before the block's first line. */
  offset: number;
}

const FILES = markdownFiles();
const BLOCKS = new Map<string, MarkdownBlock[]>(
  FILES.map((file) => [file, markdownBlocks(readFileSync(join(ROOT, file), 'utf8'))]),
);

/** `{ source, index, block }` for every block matching `keep`; index counts all of the file's blocks. */
function select(keep: (block: MarkdownBlock) => boolean): Array<[string, number, MarkdownBlock]> {
  const out: Array<[string, number, MarkdownBlock]> = [];
  for (const [source, blocks] of BLOCKS) {
    blocks.forEach((block, index) => {
      if (keep(block)) out.push([source, index, block]);
    });
  }
  return out;
}

const toCompile = select((b) => COMPILED_LANGS.has(b.lang) && b.notCompiled === undefined && b.file === undefined);
const fileBlocks = select((b) => b.file !== undefined);

/**
 * Relative imports in a block are written from the Markdown file's folder (so a
 * reader can follow them); point them at the same files from docs/test/.blocks.
 */
function rebaseImports(code: string, source: string): string {
  return code.replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g, (_all, lead: string, quote: string, spec: string) => {
    let moved = relative(OUT, resolve(ROOT, dirname(source), spec)).split('\\').join('/');
    if (!moved.startsWith('.')) moved = `./${moved}`;
    return `${lead}${quote}${moved}${quote}`;
  });
}

let program: ts.Program;
const compiled = new Map<string, Compiled[]>();

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configPath);
  return {
    ...parsed.options,
    noEmit: true,
    // A snippet may show a declaration the reader goes on to use elsewhere.
    noUnusedLocals: false,
    noUnusedParameters: false,
  };
}

beforeAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const roots: string[] = [];
  for (const [source, index, block] of toCompile) {
    const name = `${source.replace(/[^A-Za-z0-9]+/g, '_')}--${String(index).padStart(2, '0')}.ts`;
    const path = join(OUT, name);
    const prelude = block.prelude === undefined ? '' : block.prelude + '\n';
    // `export {}` makes every block a module, even one without imports.
    writeFileSync(path, `${prelude}${rebaseImports(block.code, source)}\nexport {};\n`);
    roots.push(path);
    const entry = { source, index, block, path, offset: prelude.split('\n').length - 1 };
    compiled.set(source, [...(compiled.get(source) ?? []), entry]);
  }
  // The example files the guides show are compiled in the same program.
  for (const [, , block] of fileBlocks) {
    const path = join(ROOT, block.file!);
    if (existsSync(path)) roots.push(path);
  }
  program = ts.createProgram({ rootNames: roots, options: compilerOptions() });
});

afterAll(() => {
  if (!process.env.KEEP_BLOCKS) rmSync(OUT, { recursive: true, force: true });
});

function describeDiagnostic(entry: Compiled, diagnostic: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const where = `${entry.source} block ${entry.index} (line ${entry.block.line})`;
  if (diagnostic.file === undefined || diagnostic.start === undefined) return `${where}: TS${diagnostic.code} ${text}`;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const inBlock = line - entry.offset;
  // Lines inside the block map to Markdown lines; prelude lines are reported as such.
  const at = inBlock >= 0 ? `line ${entry.block.line + 1 + inBlock}` : 'prelude';
  return `${where}, ${at}: TS${diagnostic.code} ${text}`;
}

test('the compiler options load without errors', () => {
  const problems = program.getOptionsDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(problems).toEqual([]);
});

test('the docs have ts blocks to check', () => {
  expect(FILES).toContain('README.md');
  expect(toCompile.length).toBeGreaterThan(0);
});

test.each(FILES)('%s: every ts block type-checks', (source) => {
  const errors: string[] = [];
  for (const entry of compiled.get(source) ?? []) {
    const file = program.getSourceFile(entry.path);
    if (!file) {
      errors.push(`${entry.source} block ${entry.index}: not in the program`);
      continue;
    }
    const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    for (const d of diagnostics) errors.push(describeDiagnostic(entry, d));
  }
  expect(errors).toEqual([]);
});

test.each(FILES)('%s: markers are well-formed', (source) => {
  const problems: string[] = [];
  BLOCKS.get(source)!.forEach((block, index) => {
    const where = `${source} block ${index} (line ${block.line})`;
    if (block.notCompiled !== undefined && block.notCompiled === '') problems.push(`${where}: not-compiled needs a reason`);
    if (block.file !== undefined && !existsSync(join(ROOT, block.file))) problems.push(`${where}: no file ${block.file}`);
    if ((block.file !== undefined || block.prelude !== undefined) && !COMPILED_LANGS.has(block.lang)) {
      problems.push(`${where}: a file or prelude marker on a \`${block.lang || 'plain'}\` block`);
    }
  });
  expect(problems).toEqual([]);
});

const fileCases = fileBlocks.map(([source, index, block]) => [source, index, block.file!, block.code] as const);
if (fileCases.length > 0) {
  test.each(fileCases)('%s block %i shows %s exactly', (_source, _index, file, code) => {
    const path = join(ROOT, file);
    expect(relative(ROOT, path).startsWith('..')).toBe(false);
    expect(code).toBe(readFileSync(path, 'utf8'));
  });
}
