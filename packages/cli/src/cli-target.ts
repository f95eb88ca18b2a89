/**
 * What `tsgi serve <target>` names, read before anything is bound or forked:
 * `module[:export]`, or gunicorn's factory call `module:createApp('prod', 3)`
 * (arguments are literals only, cli-literals.ts). The module is found as a path first,
 * the way people type it: `src/app` (no `./`, no extension) is `./src/app.js`, `.mjs`,
 * `.cjs`, `.ts`, `.mts` or `.cts`, or `./src/app/index.*`. A bare name that is no file
 * is an installed package when a `node_modules` folder above has it. Anything else is a
 * one-line ConfigError (exit 2) that names what was looked for and, when a file nearby
 * is one edit or so away, suggests it: `did you mean ./src/app.ts?`.
 *
 * @example
 * parseTarget("app.js:createApp('prod')"); // { module: 'app.js', name: 'createApp', args: ['prod'] }
 * resolveAppModule('src/app', '/srv');      // { kind: 'file', path: '/srv/src/app.ts' }
 *
 * @see https://docs.gunicorn.org/en/stable/run.html
 * @module
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseLiteralArguments } from './cli-literals.js';
import { closest } from './did-you-mean.js';
import { ConfigError } from './setting-value.js';

export interface AppTarget {
  module: string;
  /** The export; undefined: `default`, then `app`, then `application`. */
  name: string | undefined;
  /** Set when the target calls the export (a factory): the literal arguments. */
  args?: unknown[];
}

export type ResolvedModule = { kind: 'file'; path: string } | { kind: 'package'; specifier: string };

/** The extensions tried, in order, after the name as given. */
export const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'] as const;
const CALL = /^([A-Za-z_$][\w$]*)\s*\(([\s\S]*)\)\s*$/;
const CALL_START = /^[A-Za-z_$][\w$]*\s*\(/;
const HAS_EXTENSION = /\.[cm]?[jt]sx?$/;

/** `./app.ts:server`, `app.js:create('prod')` -> module, export and arguments. A Windows drive letter (C:\...) is not a separator. */
export function parseTarget(target: string): AppTarget {
  // A call may hold ':' in its arguments ('http://...'): the first ':' that a call follows is the one.
  for (let colon = target.indexOf(':', 2); colon !== -1; colon = target.indexOf(':', colon + 1)) {
    const rest = target.slice(colon + 1);
    if (!CALL_START.test(rest)) continue;
    const call = CALL.exec(rest);
    if (call === null) throw new ConfigError(`the application '${target}': the call's '(' is not closed: write ${rest.replace(/\s*$/, '')})`);
    const module = target.slice(0, colon);
    return { module, name: call[1]!, args: parseLiteralArguments(call[2]!, `the application '${target}'`) };
  }
  const colon = target.lastIndexOf(':');
  if (colon <= 1) return { module: target, name: undefined };
  return { module: target.slice(0, colon), name: target.slice(colon + 1) || undefined };
}

const isFile = (file: string): boolean => statSync(file, { throwIfNoEntry: false })?.isFile() === true;
const isDirectory = (dir: string): boolean => statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;

/** The package a bare specifier names: `lodash/fp` -> `lodash`, `@scope/pkg/x` -> `@scope/pkg`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function installed(name: string, cwd: string): boolean {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules', name))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

/** `./src/app.ts` for a file under `cwd`, else the absolute path. */
function shown(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : `./${relative.split(path.sep).join('/')}`;
}

const stem = (name: string): string => name.replace(HAS_EXTENSION, '');

/** The existing module file closest to `full`, folder by folder; undefined when nothing is close. */
function nearestModule(full: string): string | undefined {
  const { root } = path.parse(full);
  const parts = full.slice(root.length).split(path.sep).filter(Boolean);
  let dir = root;
  for (const [i, part] of parts.entries()) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return undefined;
    }
    if (i < parts.length - 1) {
      const next = isDirectory(path.join(dir, part)) ? part : closest(part, entries.filter((name) => isDirectory(path.join(dir, name))));
      if (next === undefined) return undefined;
      dir = path.join(dir, next);
      continue;
    }
    const modules = entries.filter((name) => HAS_EXTENSION.test(name) && isFile(path.join(dir, name)));
    // `app.js` when there is `app.ts`: the same name with another extension first.
    const found = modules.find((name) => stem(name) === stem(part)) ?? closest(stem(part), modules.map(stem));
    if (found === undefined) return undefined;
    const file = modules.find((name) => name === found || stem(name) === found)!;
    return path.join(dir, file);
  }
  return undefined;
}

/** Finds the application module `module` from `cwd`; throws a one-line ConfigError when there is none. */
export function resolveAppModule(module: string, cwd = process.cwd()): ResolvedModule {
  if (module.trim() === '') throw new ConfigError('no application module given: tsgi serve <module>[:export]');
  const full = path.resolve(cwd, module);
  const tried = [full, ...MODULE_EXTENSIONS.map((extension) => full + extension), ...MODULE_EXTENSIONS.map((extension) => path.join(full, `index${extension}`))];
  const found = tried.find(isFile);
  if (found !== undefined) return { kind: 'file', path: found };

  const pathLike = module.startsWith('.') || path.isAbsolute(module) || HAS_EXTENSION.test(module);
  if (!pathLike && installed(packageName(module), cwd)) return { kind: 'package', specifier: module };

  const withExtensions = `${full} with ${MODULE_EXTENSIONS.join(', ')}, and ${path.join(full, 'index.*')}`;
  const lookedFor = HAS_EXTENSION.test(module) ? full : withExtensions;
  const noPackage = pathLike ? '' : `; no package '${packageName(module)}' is installed either`;
  const nearest = nearestModule(full);
  const hint = nearest === undefined ? '' : `: did you mean ${shown(nearest, cwd)}?`;
  throw new ConfigError(`cannot find the application module '${module}' (looked for ${lookedFor}${noPackage})${hint}`);
}
