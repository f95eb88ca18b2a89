/**
 * Starts the runtime-matrix app on each runtime: bundles the entries beside this file
 * with esbuild (the workspace's `@tsgi/*` resolved to their sources through
 * tsconfig.json), then runs each bundle on Node, Bun and Deno as child processes (the
 * Node entry, `serve()` over node:http, on Bun and Deno too) and on workerd through
 * miniflare, with and without `nodejs_compat`; and the Hono and h3 apps with tsgi
 * mounted (hosts-app.ts) on Bun and Deno. Every target listens on 127.0.0.1, port 0,
 * and its access log is captured from its stdout.
 *
 * The runtimes come from npm (`bun`, `deno`, `miniflare`, which brings `workerd`);
 * their binaries are linked by postinstall from the registry's platform packages.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

const ROOT = path.resolve(__dirname, '..', '..');
// The binaries themselves, not node_modules/.bin's shims: a shim is a process of its
// own, and stopping it would leave the runtime running.
const BUN = path.join(ROOT, 'node_modules', 'bun', 'bin', 'bun.exe');
const DENO = path.join(ROOT, 'node_modules', 'deno', 'deno');
/** A fixed date the workerd from npm supports; nodejs_compat needs 2024-09-23 or later. */
const COMPATIBILITY_DATE = '2025-06-01';

export interface Target {
  name: string;
  url: string;
  /**
   * Cloudflare Workers: an edge in front (miniflare emulates it) negotiates with the
   * client and compresses, so gzip() leaves responses alone there.
   */
  edge: boolean;
  /** Everything the runtime printed so far (the access log goes here). */
  output(): string;
  stop(): Promise<void>;
}

/** The app of app.ts on each runtime, and Hono and h3 with tsgi mounted (hosts-app.ts). */
type Entry = 'node' | 'bun' | 'deno' | 'worker' | 'hosts-bun' | 'hosts-deno';
const ENTRIES: Entry[] = ['node', 'bun', 'deno', 'worker', 'hosts-bun', 'hosts-deno'];

export interface Bundles {
  /** The bundle of each entry. */
  files: Record<Entry, string>;
  /** The workspace packages each bundle holds (`gzip`, `auth`, ...): what runs there. */
  packages: Record<Entry, Set<string>>;
}

/** Bundles each entry into `dir`; the worker bundle must not import any node: module. */
export async function bundle(dir: string): Promise<Bundles> {
  const files = {} as Record<Entry, string>;
  const packages = {} as Record<Entry, Set<string>>;
  await Promise.all(
    ENTRIES.map(async (entry) => {
      files[entry] = path.join(dir, `${entry}.mjs`);
      const { metafile } = await build({
        entryPoints: [path.join(__dirname, `${entry}.ts`)],
        outfile: files[entry],
        bundle: true,
        format: 'esm',
        target: 'es2022',
        platform: entry === 'node' ? 'node' : 'neutral',
        conditions: entry === 'worker' ? ['workerd', 'worker', 'browser'] : [],
        // The neutral platform reads no main field; packages with "main" only (`cookie`
        // 1.x, @tsgi/request's) resolve as wrangler and Deno resolve them.
        mainFields: entry === 'node' ? undefined : ['module', 'main'],
        tsconfig: path.join(ROOT, 'tsconfig.json'),
        // Without nodejs_compat workerd has no node: modules: the build fails on any left.
        external: entry === 'worker' ? [] : ['node:*'],
        // serve()'s WebSocket support is the `ws` package, CommonJS: its require()s of
        // node builtins need a require in an ESM bundle.
        banner: entry === 'node' ? { js: "import { createRequire as tsgiRequire } from 'node:module'; const require = tsgiRequire(import.meta.url);" } : undefined,
        logLevel: 'silent',
        metafile: true,
      });
      const inputs = Object.keys(metafile.inputs).map((input) => path.resolve(ROOT, input));
      packages[entry] = new Set(
        inputs.flatMap((input) => /[\\/]packages[\\/]([a-z-]+)[\\/]src[\\/]/.exec(input)?.slice(1) ?? []),
      );
    }),
  );
  return { files, packages };
}

async function listening(child: ChildProcess, output: () => string, name: string, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const match = /listening on (http:\/\/[^\s]+)/.exec(output());
    if (match) return match[1]!.replace(/\/$/, '');
    if (child.exitCode !== null || Date.now() > end) throw new Error(`${name} did not start:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function startProcess(name: string, command: string, args: string[]): Promise<Target> {
  const child = spawn(command, args, {
    env: { ...process.env, PORT: '0', NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = (): string => out;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    return { name, url: await listening(child, output, name), edge: false, output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startWorkerd(name: string, script: string, flags: string[]): Promise<Target> {
  let out = '';
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: flags,
    host: '127.0.0.1',
    port: 0,
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    },
  });
  const url = (await mf.ready).origin;
  return { name, url, edge: true, output: () => out, stop: () => mf.dispose() };
}

/**
 * Bundles and starts every target: `targets` serve app.ts, `hosts` serve Hono and h3
 * with tsgi mounted (hosts-app.ts); `stopAll` stops them all and removes the bundles.
 */
export async function startAll(): Promise<{ targets: Target[]; hosts: Target[]; bundles: Bundles; stopAll(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsgi-runtimes-'));
  const bundles = await bundle(dir);
  const { files } = bundles;
  const worker = readFileSync(files.worker, 'utf8');
  const denoRun = ['run', '--quiet', '--no-config', '--allow-net', '--allow-env'];
  const started = await Promise.allSettled([
    startProcess('node', process.execPath, [files.node]),
    startProcess('bun', BUN, [files.bun]),
    startProcess('deno', DENO, [...denoRun, files.deno]),
    // serve() itself on Bun's and Deno's node:http.
    startProcess('bun+serve', BUN, [files.node]),
    startProcess('deno+serve', DENO, ['run', '--quiet', '--no-config', '--allow-all', files.node]),
    startWorkerd('workerd', worker, []),
    startWorkerd('workerd+nodejs_compat', worker, ['nodejs_compat']),
    startProcess('bun', BUN, [files['hosts-bun']]),
    startProcess('deno', DENO, [...denoRun, files['hosts-deno']]),
  ]);
  const all = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stopAll = async (): Promise<void> => {
    await Promise.all(all.map((target) => target.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await stopAll();
    throw (failed as PromiseRejectedResult).reason;
  }
  return { targets: all.slice(0, 7), hosts: all.slice(7), bundles, stopAll };
}
