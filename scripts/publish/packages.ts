/**
 * The workspace's publishable packages: every `packages/<name>` folder with a
 * package.json, found by listing the folder (never a hard-coded list), so a package
 * added by anyone is built, packed and checked like the others.
 *
 * @example
 * for (const pkg of workspacePackages()) console.log(pkg.name, pkg.dir);
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest folder up from `from` holding pnpm-workspace.yaml. */
export function findRoot(from = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}: run this inside the tsgi repository`);
  }
}

export const ROOT = findRoot();

/** A package.json as far as publishing reads it. */
export interface Manifest {
  name: string;
  version?: string;
  private?: boolean;
  [field: string]: unknown;
}

/** One workspace package: its folder and its parsed manifest. */
export interface WorkspacePackage {
  name: string;
  /** Absolute path of `packages/<folder>`. */
  dir: string;
  /** The folder name under `packages/`. */
  folder: string;
  manifest: Manifest;
}

/** Every `packages/*` folder holding a package.json, sorted by folder name. */
export function workspacePackages(root = ROOT): WorkspacePackage[] {
  const base = path.join(root, 'packages');
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(base, entry.name, 'package.json')))
    .map((entry) => {
      const dir = path.join(base, entry.name);
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
      return { name: manifest.name, dir, folder: entry.name, manifest };
    })
    .sort((a, b) => a.folder.localeCompare(b.folder));
}
