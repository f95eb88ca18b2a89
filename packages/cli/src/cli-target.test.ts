import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseTarget, resolveAppModule } from './cli-target.js';
import { ConfigError } from './setting-value.js';

/** A project folder with these (empty) files. */
function project(files: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsgi-target-'));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), '');
  }
  return dir;
}

test('parseTarget: module[:export], leaving a Windows drive letter alone', () => {
  expect(parseTarget('./app.ts:api')).toEqual({ module: './app.ts', name: 'api' });
  expect(parseTarget('app.js')).toEqual({ module: 'app.js', name: undefined });
  expect(parseTarget('C:\\srv\\app.js')).toEqual({ module: 'C:\\srv\\app.js', name: undefined });
});

test("parseTarget: gunicorn's factory call, with literal arguments that may hold ':' and parentheses", () => {
  expect(parseTarget('app.js:createApp()')).toEqual({ module: 'app.js', name: 'createApp', args: [] });
  expect(parseTarget("src/app:createApp('prod', 3)")).toEqual({ module: 'src/app', name: 'createApp', args: ['prod', 3] });
  expect(parseTarget("app.js:make('http://x:1/(a)', { b: [1] })")).toEqual({ module: 'app.js', name: 'make', args: ['http://x:1/(a)', { b: [1] }] });
  expect(parseTarget('C:\\srv\\app.js:default()')).toEqual({ module: 'C:\\srv\\app.js', name: 'default', args: [] });
  expect(() => parseTarget('app.js:make(')).toThrow(new ConfigError("the application 'app.js:make(': the call's '(' is not closed: write make()"));
  expect(() => parseTarget('app.js:make(process.env.X)')).toThrow(/'process' is not a literal/);
});

test('resolveAppModule: a path as typed, then with each extension, then its index file', () => {
  const dir = project(['src/app.ts', 'lib/index.mjs', 'plain.cjs', 'exact.js']);
  expect(resolveAppModule('src/app', dir)).toEqual({ kind: 'file', path: path.join(dir, 'src/app.ts') });
  expect(resolveAppModule('./src/app.ts', dir)).toEqual({ kind: 'file', path: path.join(dir, 'src/app.ts') });
  expect(resolveAppModule('lib', dir)).toEqual({ kind: 'file', path: path.join(dir, 'lib/index.mjs') });
  expect(resolveAppModule('plain', dir)).toEqual({ kind: 'file', path: path.join(dir, 'plain.cjs') });
  expect(resolveAppModule(path.join(dir, 'exact.js'), '/')).toEqual({ kind: 'file', path: path.join(dir, 'exact.js') });
});

test('resolveAppModule: a bare name that is no file is a package when node_modules above has it', () => {
  const dir = project(['node_modules/some-app/index.js', 'node_modules/@team/api/index.js', 'sub/.keep']);
  expect(resolveAppModule('some-app', path.join(dir, 'sub'))).toEqual({ kind: 'package', specifier: 'some-app' });
  expect(resolveAppModule('@team/api/server', dir)).toEqual({ kind: 'package', specifier: '@team/api/server' });
});

test('resolveAppModule: nothing found is one line saying where it looked, with the nearest file', () => {
  const dir = project(['src/app.ts', 'app.ts']);
  const message = (module: string): string => {
    try {
      resolveAppModule(module, dir);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error(`${module} was found`);
  };
  expect(message('src/ap')).toBe(
    `cannot find the application module 'src/ap' (looked for ${path.join(dir, 'src/ap')} with .js, .mjs, .cjs, .ts, .mts, .cts, and ${path.join(dir, 'src/ap/index.*')}; ` +
      "no package 'src' is installed either): did you mean ./src/app.ts?",
  );
  expect(message('./app.js')).toBe(`cannot find the application module './app.js' (looked for ${path.join(dir, 'app.js')}): did you mean ./app.ts?`);
  expect(message('scr/app')).toMatch(/: did you mean \.\/src\/app\.ts\?$/);
  expect(message('./nothing-like-it.js')).toBe(`cannot find the application module './nothing-like-it.js' (looked for ${path.join(dir, 'nothing-like-it.js')})`);
  expect(message('')).toBe('no application module given: tsgi serve <module>[:export]');
});
