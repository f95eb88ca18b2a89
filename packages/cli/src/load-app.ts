/**
 * TypeScript application modules for the `tsgi` CLI: before a worker imports
 * `app.ts` (or `.mts`, `.cts`, `.tsx`), `prepareTypeScript` registers tsx's loader when
 * tsx is installed beside the app (resolved from the app's folder, as the app's own
 * imports are). Node 20 cannot import TypeScript by itself; without tsx the worker
 * stops with one line saying what to install, instead of Node's
 * `ERR_UNKNOWN_FILE_EXTENSION` and a stack.
 *
 * Nothing is registered when a TypeScript loader already runs (`node --import tsx`,
 * ts-node, Node's own type stripping), or for a `.js` app.
 *
 * @example
 * await prepareTypeScript('/srv/app/app.ts'); // then: await import(pathToFileURL(...))
 *
 * @see https://tsx.is/dev-api/register-esm
 * @module
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT_MODULE = /\.[cm]?tsx?$/;
const LOADER_FLAGS = /(^|[\s=/\\])(tsx|ts-node)([\s/\\@]|$)|--experimental-(strip|transform)-types/;

/** True when this process already runs TypeScript modules. */
function typeScriptLoaderActive(): boolean {
  if ((process.features as { typescript?: unknown }).typescript) return true;
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  return LOADER_FLAGS.test(flags);
}

let registered = false;

/** Lets `import()` load `file` if it is TypeScript; throws a one-line Error if nothing can. */
export async function prepareTypeScript(file: string): Promise<void> {
  if (registered || !TYPESCRIPT_MODULE.test(file) || typeScriptLoaderActive()) return;
  let loader: string;
  try {
    // tsx's main entry is the loader `node --import tsx` runs: importing it registers
    // tsx's hooks for import() and require() alike.
    loader = createRequire(path.resolve(file)).resolve('tsx');
  } catch {
    throw new Error(
      `'${path.basename(file)}' is TypeScript and Node does not run it by itself: install tsx beside the app ` +
        `(npm install --save-dev tsx), or build it and serve the .js file`,
    );
  }
  await import(pathToFileURL(loader).href);
  registered = true;
}
