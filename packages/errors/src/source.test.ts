/**
 * SourceReader on a real compiled TypeScript file: the TypeScript compiler writes
 * app.js and app.js.map (and a variant with the map inline, without sourcesContent)
 * into a temporary directory; a frame in the JavaScript resolves to the .ts line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { SourceReader } from './source.js';
import { parseStack } from './stack.js';

const TS_SOURCE = [
  'interface User {', // 1
  '  id: number;', // 2
  '}', // 3
  '', // 4
  '/** Types vanish in the output, so the JS lines differ from these. */', // 5
  'export function explode(user: User): never {', // 6
  '  const why: string = `user ${user.id} is broken`;', // 7
  '  throw new Error(why);', // 8
  '}', // 9
  '',
].join('\n');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsgi-errors-source-'));
  writeFileSync(join(dir, 'app.ts'), TS_SOURCE);
  const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true, removeComments: true };
  const separate = ts.transpileModule(TS_SOURCE, { fileName: 'app.ts', compilerOptions: options });
  writeFileSync(join(dir, 'app.js'), separate.outputText);
  writeFileSync(join(dir, 'app.js.map'), separate.sourceMapText!);
  const inline = ts.transpileModule(TS_SOURCE, { fileName: 'app.ts', compilerOptions: { ...options, sourceMap: false, inlineSourceMap: true } });
  writeFileSync(join(dir, 'inline.js'), inline.outputText);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The position of `throw` in a compiled file, as a stack frame would give it. */
function throwFrame(file: string, js: string): { file: string; line: number; column: number; text: string } {
  const lines = js.split('\n');
  const index = lines.findIndex((line) => line.includes('throw new Error'));
  return { file, line: index + 1, column: lines[index]!.indexOf('throw') + 1, text: '' };
}

test.each(['app.js', 'inline.js'])('%s: a frame in the compiled file maps to the TypeScript line with its neighbours', (name) => {
  const js = ts.sys.readFile(join(dir, name))!;
  const frame = throwFrame(join(dir, name), js);
  expect(frame.line).not.toBe(8); // the compiled line differs, so the map does the work
  const located = new SourceReader(2).locate(frame);
  expect(located).toMatchObject({ file: join(dir, 'app.ts'), line: 8, column: 3, mapped: true, app: true });
  expect(located?.lines).toEqual([
    { number: 6, text: 'export function explode(user: User): never {' },
    { number: 7, text: '  const why: string = `user ${user.id} is broken`;' },
    { number: 8, text: '  throw new Error(why);' },
    { number: 9, text: '}' },
    { number: 10, text: '' },
  ]);
});

test('an error thrown by the compiled module: its first frame reads back to app.ts line 8', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const compiled = require(join(dir, 'app.js')) as { explode(user: { id: number }): never };
  let stack = '';
  try {
    compiled.explode({ id: 7 });
  } catch (error) {
    stack = (error as Error).stack!;
  }
  const located = new SourceReader(0).locate(parseStack(stack)[0]!);
  expect(located).toMatchObject({ file: join(dir, 'app.ts'), line: 8, app: true });
  expect(located?.lines).toEqual([{ number: 8, text: '  throw new Error(why);' }]);
});

test('frames outside the app are located but not read', () => {
  const reader = new SourceReader(3);
  expect(reader.locate({ file: 'node:internal/process/task_queues', line: 95, column: 5, text: '' })).toEqual({
    file: 'node:internal/process/task_queues', line: 95, column: 5, mapped: false, app: false,
  });
  const dependency = require.resolve('typescript');
  expect(reader.locate({ file: dependency, line: 1, column: 1, text: '' })).toMatchObject({ app: false });
  expect(reader.locate({ file: join(dir, 'missing.js'), line: 1, column: 1, text: '' })).toMatchObject({ app: false });
  expect(reader.locate({ function: 'Array.map', text: 'at Array.map (<anonymous>)' })).toBeUndefined();
});
