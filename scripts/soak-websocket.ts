/**
 * The WebSocket mode of `pnpm soak` (`pnpm soak 0 websocket [sockets] [seconds]`): opens
 * `sockets` idle WebSocket connections to `serve()` (the client is `ws`, in a child
 * process), keeps them for `seconds` while the gateway pings them (every second by default),
 * samples memory once a second after a GC, then closes them all. It fails unless every
 * connection opened, none was dropped while idle, the heap stayed flat (the last
 * sample within 5 MB of the first), and every accepted connection's `close` handler ran
 * once. The clients run in a child process (scripts/soak-websocket-client.ts), so the
 * memory sampled is the server's and each process needs one file descriptor a socket.
 * A CI-sized run is 1 000 sockets for 10 s (scripts/soak-websocket.test.ts); the long
 * run is 10 000 for 600 s by hand (`ulimit -n` past 10 000), its numbers in
 * docs/benchmarks.md.
 *
 * @example
 * const report = await soakWebSockets(1000, 10);
 * if (report.problems.length > 0) process.exit(1);
 * @module
 */
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve } from '@tsgi/server';
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';

const MB = 1024 * 1024;

export interface WebSocketSoakReport {
  sockets: number;
  seconds: number;
  /** MB: RSS and heap before opening, once all were open, and at the end (before closing). */
  rss: number[];
  heap: number[];
  /** Heap samples once a second while idle, MB. */
  samples: number[];
  /** RSS samples once a second while idle, MB. */
  rssSamples: number[];
  /** The machine's 1-minute load average when the idle phase began and ended. */
  load: number[];
  problems: string[];
}

/**
 * A full GC before each sample, so the heap figure is what the server holds, not the
 * garbage of the last ping round (2-3 KB a socket, collected whenever V8 next scavenges:
 * without it, "heap flat" passed or failed by GC timing). Under jest or tsx node runs
 * without --expose-gc; the flag set at run time gives a fresh context its `gc`.
 */
const collect: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  })();

function memory(): { rss: number; heap: number } {
  collect();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: rss / MB, heap: heapUsed / MB };
}

/** Runs the soak; `log` gets a line per stage. */
export async function soakWebSockets(count: number, seconds: number, log: (line: string) => void = console.log, pingInterval = 1000): Promise<WebSocketSoakReport> {
  let opened = 0;
  let closed = 0;
  const app: Application = (environ, startResponse) => {
    environ['tsgi.websocket']!.accept({
      open: () => void opened++,
      message: (ws, data) => void ws.send(data),
      close: () => void closed++,
    });
    startResponse('101 Switching Protocols', []);
    return [];
  };
  const served = await serve(lint(app), { port: 0, shutdownTimeout: 2000, websocket: { pingInterval } });
  const url = served.url.replace('http', 'ws');
  const problems: string[] = [];
  const before = memory();
  let result: WebSocketSoakReport | undefined;
  // The clients live in a child process: the server's fds and memory are its own.
  const child = fork(join(process.cwd(), 'scripts', 'soak-websocket-client.ts'), [url, String(count)], {
    execArgv: ['--import', pathToFileURL(join(process.cwd(), 'node_modules/tsx/dist/loader.mjs')).href],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reply = (): Promise<Record<string, number | string>> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the soak client exited (${code}) before answering`));
      child.once('exit', onExit).once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as Record<string, number | string>);
      });
    });
  try {
    const ready = await reply();
    if (ready.error !== undefined) throw new Error(`the soak client failed: ${ready.error}`);
    const full = memory();
    log(`websocket: ${ready.opened} sockets open (server saw ${opened}); server rss ${before.rss.toFixed(1)} -> ${full.rss.toFixed(1)} MB, heap ${before.heap.toFixed(1)} -> ${full.heap.toFixed(1)} MB (clients in a child process)`);
    const samples: number[] = [];
    const rssSamples: number[] = [];
    const load = [loadavg()[0]!];
    for (let s = 0; s < seconds; s++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const sample = memory();
      samples.push(sample.heap);
      rssSamples.push(sample.rss);
    }
    const end = memory();
    load.push(loadavg()[0]!);
    child.send('close');
    const { dropped } = await reply();
    const every = <T>(values: T[]): T[] => (values.length <= 20 ? values : values.filter((_, i) => i % Math.ceil(values.length / 20) === 0 || i === values.length - 1));
    log(`websocket: ${seconds} s idle with pings every ${pingInterval / 1000} s: heap ${every(samples).map((h) => h.toFixed(1)).join(' ')} MB`);
    log(`websocket: rss ${every(rssSamples).map((r) => r.toFixed(1)).join(' ')} MB; dropped ${dropped}; load average ${load.map((l) => l.toFixed(1)).join(' -> ')}`);
    if (opened !== count) problems.push(`websocket: ${opened} of ${count} connections opened`);
    if (dropped !== 0) problems.push(`websocket: ${dropped} idle connections were dropped`);
    if (samples.length > 1 && samples.at(-1)! - samples[0]! > 5) problems.push(`websocket: the heap grew ${(samples.at(-1)! - samples[0]!).toFixed(1)} MB while idle`);
    for (let i = 0; i < 100 && closed < opened; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    if (closed !== opened) problems.push(`websocket: close ran ${closed} times for ${opened} connections`);
    result = { sockets: count, seconds, rss: [before.rss, full.rss, end.rss], heap: [before.heap, full.heap, end.heap], samples, rssSamples, load, problems };
  } finally {
    if (child.exitCode === null) child.kill();
    await served.close();
  }
  log(`websocket: closed ${closed} of ${opened}`);
  return result!;
}
