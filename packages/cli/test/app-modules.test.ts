/**
 * App modules the CLI loads. `tsgi serve app.ts` through the `tsgi` bin (packages/cli/bin/tsgi.js, as
 * `pnpm exec tsgi` runs it), with no TypeScript loader on the node command line:
 * tsx installed beside the app is registered by the CLI; without it the CLI says in
 * one line what to install, with no stack. A CommonJS module's exports object is looked
 * into for `app`/`application` instead of being taken for the default export.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { fixtureDir, getOnce, ROOT, startedUrl, stopCli, type Cli } from './cli-harness.js';

const BIN = path.join(ROOT, 'packages/cli/bin/tsgi.js');

// Type annotations, an interface and an enum: none of this runs untransformed.
const TYPED_APP = `
interface Greeting { text: string }
enum Kind { Plain = 'text/plain' }
const greeting: Greeting = { text: 'typed ' + Kind.Plain };
export default function app(_environ: Record<string, unknown>, startResponse: (s: string, h: [string, string][]) => unknown) {
  startResponse('200 OK', [['Content-Type', Kind.Plain]]);
  return [Buffer.from(greeting.text)];
}
`;

function runBin(args: string[], cwd: string): Cli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

test('through the repository bin, an app.ts with tsx beside it runs (the installed bin: scripts/publish/consumer.ts)', async () => {
  const dir = fixtureDir({ 'app.ts': TYPED_APP });
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(path.join(ROOT, 'node_modules/tsx'), path.join(dir, 'node_modules/tsx'), 'dir');
  const cli = runBin(['serve', 'app.ts', '--port', '0', '--workers', '1'], dir);
  try {
    const url = await startedUrl(cli);
    expect(await getOnce(url)).toEqual({ status: 200, body: 'typed text/plain' });
  } finally {
    await stopCli(cli);
  }
});

test('without tsx, one line says what to install, and no stack', async () => {
  const dir = fixtureDir({ 'app.ts': TYPED_APP });
  const cli = runBin(['serve', 'app.ts', '--port', '0', '--workers', '1'], dir);
  expect(await cli.exited).toBe(1);
  expect(cli.stderr()).toBe(
    "tsgi: error: 'app.ts' is TypeScript and Node does not run it by itself: install tsx beside the app " +
      '(npm install --save-dev tsx), or build it and serve the .js file\n',
  );
  expect(cli.stderr()).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION|\n\s+at /);
});

test.each([
  ['module.exports.app = app', 'module.exports.app = app;'],
  ['module.exports = { application }', 'module.exports = { application: app };'],
])('a CommonJS app module: %s', async (_name, exportLine) => {
  const source = "function app(_e, startResponse) { startResponse('200 OK', []); return [Buffer.from('from cjs')]; }\n";
  const dir = fixtureDir({ 'app.cjs': source + exportLine + '\n' });
  const cli = runBin(['serve', 'app.cjs', '--port', '0', '--workers', '1'], dir);
  try {
    const url = await startedUrl(cli);
    expect(await getOnce(url)).toEqual({ status: 200, body: 'from cjs' });
  } finally {
    await stopCli(cli);
  }
});
