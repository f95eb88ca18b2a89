import { markdownBlocks } from './markdown-blocks.js';

test('finds fenced blocks with their language, code and line', () => {
  const md = ['# t', '', '```ts', 'const a = 1;', '```', 'text', '~~~sh', 'ls', '~~~', '```', 'plain', '```'].join('\n');
  expect(markdownBlocks(md)).toEqual([
    { lang: 'ts', code: 'const a = 1;\n', line: 3 },
    { lang: 'sh', code: 'ls\n', line: 7 },
    { lang: '', code: 'plain\n', line: 10 },
  ]);
});

test('a longer fence holds a shorter one; an unclosed fence runs to the end', () => {
  const md = ['````md', '```ts', 'x', '```', '````', '```ts', 'open'].join('\n');
  const blocks = markdownBlocks(md);
  expect(blocks.map((b) => [b.lang, b.code])).toEqual([
    ['md', '```ts\nx\n```\n'],
    ['ts', 'open\n'],
  ]);
});

test('markers in comments just above a block apply to it, across blank lines', () => {
  const md = [
    '<!-- file: examples/x.ts -->',
    '<!--',
    '  prelude: declare const users: Record<string, string>;',
    '-->',
    '',
    '```ts',
    'users;',
    '```',
    '<!-- not-compiled: shows an error -->',
    '```ts',
    'bad(',
    '```',
  ].join('\n');
  const [first, second] = markdownBlocks(md);
  expect(first).toMatchObject({ file: 'examples/x.ts', prelude: 'declare const users: Record<string, string>;' });
  expect(second).toMatchObject({ notCompiled: 'shows an error' });
  expect(second!.file).toBeUndefined();
});

test('a comment separated from the block by text does not apply', () => {
  const md = ['<!-- not-compiled: stale -->', 'Some text.', '```ts', 'x', '```'].join('\n');
  expect(markdownBlocks(md)[0]!.notCompiled).toBeUndefined();
});
