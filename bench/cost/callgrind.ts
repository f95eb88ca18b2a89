/**
 * A server under `valgrind --tool=callgrind --separate-threads=yes`, for bench/cost/socket.ts:
 * started, its counters zeroed and dumped by `callgrind_control`, its dumps summed per
 * thread and, with `--top`, its main thread's most costly functions listed. The process
 * prints `READY <port>` once it listens (as bench/cost/socket-child.ts does) and stops
 * on SIGTERM.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface CountedServer {
  port: number;
  pid: number;
  /** `callgrind_control -z`: the counts start again from here. */
  zero(): void;
  /** `callgrind_control -d`: one dump per thread of what ran since the last zero. */
  dump(): void;
  stop(): Promise<void>;
}

/**
 * Starts `node [nodeFlags] <entry> ...args` under callgrind, its dumps named `<out>.*`.
 * `env` is the child's whole environment (a row's own Redis URL goes here, not in
 * process.env, since the rows start side by side).
 */
export function startCounted(entry: string, args: readonly string[], out: string, options: { nodeFlags: readonly string[]; env: NodeJS.ProcessEnv; cwd: string }): Promise<CountedServer> {
  const env: NodeJS.ProcessEnv = { ...options.env };
  delete env.NODE_EXTRA_CA_CERTS; // loading extra certificates costs minutes under valgrind
  const child = spawn('valgrind', ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${out}`, process.execPath, ...options.nodeFlags, entry, ...args], {
    stdio: ['pipe', 'pipe', 'ignore'],
    cwd: options.cwd,
    env,
  });
  const control = (flag: string): void => void execFileSync('callgrind_control', [flag, String(child.pid)], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    let text = '';
    child.once('exit', (code) => reject(new Error(`${entry} ${args.join(' ')} exited (${code}) before it printed READY <port>`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /READY (\d+)\n/.exec(text);
      if (match === null) return;
      child.removeAllListeners('exit');
      resolve({
        port: Number(match[1]),
        pid: child.pid!,
        zero: () => control('-z'),
        dump: () => control('-d'),
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** The dumps `dir/<prefix>*` of the first `callgrind_control -d` (`.1-<thread>`), by thread. */
function dumps(dir: string, prefix: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(prefix) && /\.1-\d+$/.test(f)).sort();
}

/** Instructions in the first dump: the main thread's (`-01`) and all threads'. */
export function totals(dir: string, prefix: string): { main: number; all: number } {
  let main = 0;
  let all = 0;
  for (const file of dumps(dir, prefix)) {
    const total = Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, file), 'utf8'))?.[1] ?? 0);
    if (file.endsWith('-01')) main = total;
    all += total;
  }
  return { main, all };
}

/**
 * Self cost (instructions in the function itself, not its callees) per function of a
 * callgrind dump, read from the file: callgrind_annotate counts a mid-run dump's still
 * active calls (`calls=0`, node's event loop down to `main`) as their callers' own cost,
 * so it would list `main` first with every instruction. Names are `function [object]`.
 */
export function selfCosts(file: string): Map<string, number> {
  const names = new Map<string, string>();
  const objects = new Map<string, string>();
  // `fn=(12) name` names id 12 the first time, `fn=(12)` refers to it later; likewise ob=.
  const named = (table: Map<string, string>, value: string): string => {
    const match = /^\((\d+)\)(?: (.*))?$/.exec(value);
    if (match === null) return value;
    if (match[2] !== undefined) table.set(match[1]!, match[2]);
    return table.get(match[1]!) ?? value;
  };
  const costs = new Map<string, number>();
  let object = '';
  let fn = '';
  let afterCall = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('ob=')) object = named(objects, line.slice(3));
    else if (line.startsWith('cob=')) named(objects, line.slice(4));
    else if (line.startsWith('fn=')) fn = `${named(names, line.slice(3))} [${object.split('/').pop()}]`;
    else if (line.startsWith('cfn=')) named(names, line.slice(4));
    else if (line.startsWith('calls=')) afterCall = true;
    else if (/^[-+*\d]/.test(line)) {
      // The line after calls= is the call's inclusive cost, the callee's: not self.
      if (!afterCall && fn !== '') costs.set(fn, (costs.get(fn) ?? 0) + Number(line.split(' ').pop()));
      afterCall = false;
    }
  }
  return costs;
}

/**
 * The main thread's `top` most costly functions by self cost, per request. V8's
 * builtins and node's C++ have names; JIT code has none callgrind can see (`0x...`).
 */
export function topFunctions(dir: string, prefix: string, top: number, requests: number): string[] {
  const main = dumps(dir, prefix).find((f) => f.endsWith('-01'));
  if (main === undefined) return [`  (no main-thread dump ${prefix}*.1-01 in ${dir})`];
  return [...selfCosts(join(dir, main))]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, cost]) => `  ${Math.round(cost / requests).toLocaleString('en').padStart(9)}  ${name}`);
}

/** Removes `dir/<prefix>*`. */
export function removeDumps(dir: string, prefix: string): void {
  for (const f of readdirSync(dir)) if (f.startsWith(prefix)) rmSync(join(dir, f));
}
