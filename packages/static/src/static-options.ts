/**
 * The options of `staticFiles()`, their defaults, and their checking, done once when
 * the factory runs (no I/O: the root is first looked at by the first request).
 *
 * @example
 * const config = resolveStaticOptions({ root: './public', precompressed: true });
 * @see https://expressjs.com/en/resources/middleware/serve-static.html (the options users know)
 * @module
 */
import { resolve } from 'node:path';
import { resolveFileOptions, type FileConfig, type FileResponseOptions } from './file-options.js';
import { SIBLING_SUFFIX, type PrecompressedCoding } from './precompressed.js';

export interface StaticFilesOptions extends Omit<FileResponseOptions, 'contentType' | 'immutable'> {
  /** The directory served; requests can never leave it. Required. */
  root: string;
  /**
   * Files tried, in order, for a directory URL (`/docs/`); `false` or `[]` answers 404.
   * Directories are never listed.
   * @default ['index.html']
   */
  index?: readonly string[] | false;
  /**
   * Names starting with `.` anywhere in the path (`.env`, `.git/config`): `'ignore'`
   * answers 404 (cascade moves on), `'deny'` 403, `'allow'` serves them.
   * @default 'ignore'
   */
  dotfiles?: 'ignore' | 'deny' | 'allow';
  /**
   * Serve files reached through a symlink that points outside `root`. Symlinks that
   * stay inside `root` are always followed.
   * @default false
   */
  followSymlinks?: boolean;
  /**
   * A directory requested without its trailing slash gets `301` to the URL with it
   * (so its page's relative links work); `false` answers 404 instead.
   * @default true
   */
  redirect?: boolean;
  /**
   * Serve `name.br` / `name.gz` built beside `name` to clients that accept them, in
   * this order of preference among equal weights; `true` means `['br', 'gzip']`.
   * @default false
   */
  precompressed?: boolean | readonly PrecompressedCoding[];
  /**
   * Which files have content-hashed names: `true` for all, or a pattern tested on the
   * file name (e.g. `/\.[0-9a-f]{8,}\./`). They get a year's immutable
   * Cache-Control and a SHA-256 ETag (see `FileResponseOptions.immutable`).
   * @default false
   */
  immutable?: boolean | RegExp;
}

export const STATIC_DEFAULTS = {
  index: ['index.html'],
  dotfiles: 'ignore',
  followSymlinks: false,
  redirect: true,
  precompressed: false,
  immutable: false,
} satisfies Required<Pick<StaticFilesOptions, 'index' | 'dotfiles' | 'followSymlinks' | 'redirect' | 'precompressed' | 'immutable'>>;

export interface StaticConfig {
  readonly root: string;
  readonly index: readonly string[];
  readonly dotfiles: 'ignore' | 'deny' | 'allow';
  readonly followSymlinks: boolean;
  readonly redirect: boolean;
  readonly precompressed: readonly PrecompressedCoding[];
  readonly immutable: RegExp | boolean;
  readonly file: FileConfig;
}

const OWNER = 'staticFiles';

function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${OWNER}: ${name} must be true or false, got ${String(value)}`);
  return value;
}

/** Checks `options` and fills in defaults; a bad option throws a TypeError naming it. */
export function resolveStaticOptions(options: StaticFilesOptions): StaticConfig {
  if (options === null || typeof options !== 'object' || typeof options.root !== 'string' || options.root === '') {
    throw new TypeError(`${OWNER}: root must be the directory to serve, e.g. staticFiles({ root: './public' }), got ${String(options?.root)}`);
  }
  const indexOption = options.index ?? STATIC_DEFAULTS.index;
  const index = indexOption === false ? [] : indexOption;
  if (!Array.isArray(index) || !index.every((name) => typeof name === 'string' && name !== '' && !/[/\\]/.test(name))) {
    throw new TypeError(`${OWNER}: index must be false or an array of file names such as ['index.html'], got ${String(indexOption)}`);
  }
  const dotfiles = options.dotfiles ?? STATIC_DEFAULTS.dotfiles;
  if (dotfiles !== 'ignore' && dotfiles !== 'deny' && dotfiles !== 'allow') {
    throw new TypeError(`${OWNER}: dotfiles must be 'ignore', 'deny' or 'allow', got ${String(dotfiles)}`);
  }
  const pre = options.precompressed ?? STATIC_DEFAULTS.precompressed;
  const precompressed: readonly PrecompressedCoding[] = pre === true ? ['br', 'gzip'] : pre === false ? [] : pre;
  if (!Array.isArray(precompressed) || !precompressed.every((coding) => Object.hasOwn(SIBLING_SUFFIX, coding))) {
    throw new TypeError(`${OWNER}: precompressed must be a boolean or an array of 'br' and 'gzip', got ${String(pre)}`);
  }
  const immutable = options.immutable ?? STATIC_DEFAULTS.immutable;
  if (typeof immutable !== 'boolean' && !(immutable instanceof RegExp)) {
    throw new TypeError(`${OWNER}: immutable must be a boolean or a RegExp tested on file names, got ${String(immutable)}`);
  }
  return {
    root: resolve(options.root),
    index: index.slice(),
    dotfiles,
    followSymlinks: flag('followSymlinks', options.followSymlinks ?? STATIC_DEFAULTS.followSymlinks),
    redirect: flag('redirect', options.redirect ?? STATIC_DEFAULTS.redirect),
    precompressed: precompressed.slice(),
    // Without g or y, test() keeps no lastIndex between requests.
    immutable: immutable instanceof RegExp ? new RegExp(immutable.source, immutable.flags.replace(/[gy]/g, '')) : immutable,
    file: resolveFileOptions({ ...options, immutable: false }, OWNER),
  };
}
