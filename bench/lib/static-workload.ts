/**
 * The files of the static scenarios: a 1 KB text file and a 1 MB binary, written at
 * run time (never committed) into one directory under the OS temp dir that every
 * bench child process shares. Their bytes are fixed, so every row must answer the
 * same body.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const STATIC_1K_PATH = '/file-1k.txt';
export const STATIC_1M_PATH = '/file-1m.bin';

export const STATIC_1K = Buffer.from('static file bench, one kilobyte of text. '.repeat(25).slice(0, 1023) + '\n');
export const STATIC_1M = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 31 + (i >> 12)) & 0xff));

const FILES: ReadonlyArray<[string, Buffer]> = [
  [STATIC_1K_PATH, STATIC_1K],
  [STATIC_1M_PATH, STATIC_1M],
];

/** The directory holding both files, written if missing or different. */
export function staticRoot(): string {
  const root = join(tmpdir(), 'tsgi-bench-static');
  mkdirSync(root, { recursive: true });
  for (const [path, bytes] of FILES) {
    const file = join(root, path);
    if (!existsSync(file) || !readFileSync(file).equals(bytes)) writeFileSync(file, bytes);
  }
  return root;
}
