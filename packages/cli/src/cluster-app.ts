/**
 * The application a `tsgi` worker serves: the target's module imported with `import()`
 * (a TypeScript one through tsx, load-app.ts), its export (`default`, then `app`, then
 * `application`, or the one named), and for gunicorn's factory syntax
 * (`app.js:createApp('prod')`) what that export returns when called with the literal
 * arguments, awaited, so an async factory works too.
 *
 * A factory named without the call would be called as the application on every
 * request and every answer would be a 500. It is told apart at start: an application
 * declares two parameters, `(environ, startResponse)`, and a function that declares
 * fewer (and no `...rest`) is taken for a factory, with an error that gives the target
 * to type instead.
 *
 * @example
 * const app = await loadApp("./app.js:createApp('prod')", '/srv/app');
 *
 * @see https://docs.gunicorn.org/en/stable/run.html
 * @module
 */
import { pathToFileURL } from 'node:url';
import { describeError, type Application } from '@tsgi/core';
import { parseTarget, resolveAppModule } from './cli-target.js';
import { prepareTypeScript } from './load-app.js';

const NAMES = ['default', 'app', 'application'];

/** The text between a function's parentheses, or undefined when the source does not show it (native, bound, a class). */
function parameterList(fn: (...args: never[]) => unknown): string | undefined {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(source) || /^class\b/.test(source)) return undefined;
  const bare = /^(?:async\s+)?[\w$]+\s*=>/.exec(source);
  if (bare) return 'x';
  const open = source.indexOf('(');
  if (open === -1) return undefined;
  let depth = 0;
  let quote = '';
  for (let i = open; i < source.length; i++) {
    const char = source[i]!;
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = '';
    } else if (char === '"' || char === "'" || char === '`') quote = char;
    else if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char) && --depth === 0) return source.slice(open + 1, i);
  }
  return undefined;
}

/** Parameters declared at the top level of a parameter list (defaults may hold commas). */
function countParameters(list: string): number {
  let depth = 0;
  let count = list.trim() === '' ? 0 : 1;
  for (const char of list) {
    if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) depth--;
    else if (char === ',' && depth === 0) count++;
  }
  return /,\s*$/.test(list) ? count - 1 : count;
}

/**
 * The parameters `fn` declares when it looks like a factory rather than an
 * application (fewer than two, no rest parameter); undefined when it may be an application.
 */
export function factoryParameters(fn: (...args: never[]) => unknown): number | undefined {
  if (fn.length >= 2) return undefined;
  const list = parameterList(fn);
  if (list === undefined || list.includes('...')) return undefined;
  const count = countParameters(list);
  return count < 2 ? count : undefined;
}

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`);

/** Imports the target relative to `cwd` and returns the application in it; throws a one-line Error saying what is wrong. */
export async function loadApp(target: string, cwd = process.cwd()): Promise<Application> {
  const { module, name, args } = parseTarget(target);
  const resolved = resolveAppModule(module, cwd);
  if (resolved.kind === 'file') await prepareTypeScript(resolved.path);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(resolved.kind === 'file' ? pathToFileURL(resolved.path).href : resolved.specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot load the application module '${module}': ${describeError(error)}`, { cause: error });
  }
  const names = name === undefined ? NAMES : [name];
  for (const key of names) {
    let value = exports[key];
    // A CommonJS module seen through import(): its exports object is the default, so
    // `default` is that object (look inside it), and names may only be in it.
    const commonJs = exports.default !== null && typeof exports.default === 'object' ? (exports.default as Record<string, unknown>) : undefined;
    if (commonJs !== undefined && (value === undefined || value === commonJs)) value = commonJs[key];
    if (value === undefined) continue;
    if (typeof value !== 'function') {
      const what = args === undefined ? 'an application function' : 'a factory function to call';
      throw new Error(`'${module}' export '${key}' is ${describe(value)}, not ${what}`);
    }
    if (args === undefined) return checked(value as Application, `'${module}' export '${key}'`, `${module}:${key}()`);
    let made: unknown;
    try {
      made = await (value as (...args: unknown[]) => unknown)(...args);
    } catch (error) {
      throw new Error(`the application factory '${target}' threw: ${describeError(error)}`, { cause: error });
    }
    if (typeof made !== 'function') throw new Error(`the application factory '${target}' returned ${describe(made)}, not an application function`);
    return checked(made as Application, `what '${target}' returned`, undefined);
  }
  const found = Object.keys(exports).join(', ') || 'nothing';
  throw new Error(`'${module}' has no export ${names.map((n) => `'${n}'`).join(' or ')} (it exports: ${found})`);
}

/** `app` unless it looks like a factory; then an Error naming it and, when it can be called, the target that would. */
function checked(app: Application, what: string, call: string | undefined): Application {
  const count = factoryParameters(app);
  if (count === undefined) return app;
  const fix = call === undefined ? '' : `; if it makes the application, serve what it returns: tsgi serve '${call}' (literal arguments go inside the parentheses)`;
  throw new Error(`${what} takes ${count} parameter${count === 1 ? '' : 's'}, so it is not an application (environ, startResponse)${fix}`);
}
