/**
 * Finds socket-level test code that serves an application without `lint()` around it.
 *
 * The project's habit (STYLE.md, like Rack's tests under Rack::Lint) is that every app a
 * test serves over a real socket runs under `lint()`, so a test app that breaks PEP 3333
 * fails the test instead of passing by luck. This reads the test files' syntax (no type
 * checking, no running) and reports every call that serves an app whose first argument
 * is not linted.
 *
 * - Serving calls: `serve(app)`, `toNodeListener(app)`, `toFetch(app)`, and every
 *   helper found to forward one of its parameters into a serving call (found across all
 *   the files given, so `startServer(app)` in a shared helpers.ts counts everywhere).
 * - Linted: `lint(...)`, a name bound once to a linted expression, both branches of
 *   `a ? b : c`, and a named helper's parameter (its call sites are checked instead).
 * - Exempt: a call with a comment `unlinted: <why>` on its line or on the lines of its
 *   statement just above it, for tests that send broken responses on purpose to test
 *   the gateway's handling (lint would stop them before the gateway sees them).
 *
 * @example
 * ```ts
 * const problems = unlintedApps([{ path: 'x.test.ts', text: "await serve(app, { port: 0 });" }]);
 * // [{ path: 'x.test.ts', line: 1, call: 'serve', app: 'app' }]
 * ```
 * @see ../../packages/lint/README.md
 */
import ts from 'typescript';

export interface SourceText {
  path: string;
  text: string;
}

export interface UnlintedApp {
  path: string;
  /** 1-based line of the serving call. */
  line: number;
  /** The function called: `serve`, `toNodeListener`, or a helper's name. */
  call: string;
  /** The source text of the app argument. */
  app: string;
}

/** The calls that hand an application to a gateway. */
export const SERVING_CALLS: readonly string[] = ['serve', 'toNodeListener', 'toFetch'];

/** A comment that exempts a serving call; it must say why after the colon. */
const EXEMPTION = /\bunlinted:\s*\S{2,}/;

interface Parsed {
  path: string;
  file: ts.SourceFile;
  lines: string[];
}

/** The app arguments of every serving call in `sources` that are not under lint(). */
export function unlintedApps(sources: readonly SourceText[]): UnlintedApp[] {
  const parsed = sources.map(({ path, text }) => ({
    path,
    file: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS),
    lines: text.split('\n'),
  }));
  // An exported helper is a serving call in every file (a shared helpers.ts); one that
  // is not is a serving call only in its own file, where another may share its name.
  const shared = new Set(SERVING_CALLS);
  const local = new Map(parsed.map((source) => [source, new Set<string>()]));
  const servingIn = (source: Parsed): Set<string> => new Set([...shared, ...local.get(source)!]);
  // A helper that forwards its parameter to a helper is found on a later round.
  for (let grown = true; grown; ) {
    grown = false;
    for (const source of parsed) {
      for (const { name, exported } of forwardingHelpers(source.file, servingIn(source))) {
        const into = exported ? shared : local.get(source)!;
        if (!into.has(name)) {
          into.add(name);
          grown = true;
        }
      }
    }
  }
  const problems: UnlintedApp[] = [];
  for (const source of parsed) {
    for (const call of servingCalls(source.file, servingIn(source))) {
      const app = call.arguments[0];
      if (app === undefined || verdict(app) !== 'unlinted') continue;
      const line = source.file.getLineAndCharacterOfPosition(call.getStart()).line;
      if (exempt(source, call)) continue;
      problems.push({ path: source.path, line: line + 1, call: calleeName(call) ?? '?', app: app.getText() });
    }
  }
  return problems;
}

type Verdict = 'linted' | 'forwarded' | 'unlinted';

/** Whether an app expression is linted, a named helper's parameter, or neither. */
function verdict(node: ts.Expression, seen = new Set<ts.Node>()): Verdict {
  // `seen` holds the names being resolved on the way here: `const a = b, b = a` ends.
  if (seen.has(node)) return 'unlinted';
  seen.add(node);
  try {
    return verdictOf(node, seen);
  } finally {
    seen.delete(node);
  }
}

function verdictOf(node: ts.Expression, seen: Set<ts.Node>): Verdict {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node)) {
    return verdict(node.expression, seen);
  }
  if (ts.isCallExpression(node)) return calleeName(node) === 'lint' ? 'linted' : 'unlinted';
  if (ts.isConditionalExpression(node)) {
    const sides = [verdict(node.whenTrue, seen), verdict(node.whenFalse, seen)];
    return sides.includes('unlinted') ? 'unlinted' : sides.includes('forwarded') ? 'forwarded' : 'linted';
  }
  if (ts.isIdentifier(node)) {
    const declaration = declarationOf(node);
    if (declaration === undefined) return 'unlinted';
    if (ts.isParameter(declaration)) return helperName(declaration.parent) === undefined ? 'unlinted' : 'forwarded';
    if (ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined) {
      // Only a const keeps the binding it was checked with.
      const constant = (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0;
      return constant ? verdict(declaration.initializer, seen) : 'unlinted';
    }
  }
  return 'unlinted';
}

/** Functions in `file` that pass one of their parameters as the app of a serving call. */
function forwardingHelpers(file: ts.SourceFile, serving: ReadonlySet<string>): Array<{ name: string; exported: boolean }> {
  const names: Array<{ name: string; exported: boolean }> = [];
  for (const call of servingCalls(file, serving)) {
    const app = call.arguments[0];
    if (app === undefined || verdict(app) !== 'forwarded') continue;
    const fn = enclosingFunction(call);
    const name = fn === undefined ? undefined : helperName(fn);
    if (fn !== undefined && name !== undefined) names.push({ name, exported: isExported(fn) });
  }
  return names;
}

function servingCalls(file: ts.SourceFile, serving: ReadonlySet<string>): ts.CallExpression[] {
  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      if (name !== undefined && serving.has(name)) calls.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return calls;
}

/** `f(...)` and `x.f(...)` are both calls of `f`. */
function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** The name a function can be called by: its own, or the const it is assigned to. */
function helperName(node: ts.Node): string | undefined {
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) return node.name?.getText();
  if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isVariableDeclaration(node.parent)) {
    return ts.isIdentifier(node.parent.name) ? node.parent.name.text : undefined;
  }
  return undefined;
}

/** `export function f` or `export const f = ...`. */
function isExported(fn: ts.Node): boolean {
  const holder = ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : fn;
  return ts.canHaveModifiers(holder) && (ts.getModifiers(holder) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let at = node.parent; at !== undefined; at = at.parent) {
    if (ts.isFunctionLike(at)) return at;
  }
  return undefined;
}

/** The declaration a name refers to, by walking out through the scopes that enclose it. */
function declarationOf(name: ts.Identifier): ts.ParameterDeclaration | ts.VariableDeclaration | undefined {
  for (let scope: ts.Node | undefined = name.parent; scope !== undefined; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      const parameter = scope.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name.text);
      if (parameter !== undefined) return parameter;
    }
    if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope)) {
      for (const statement of scope.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        const found = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name.text);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

/** A comment `unlinted: why` on the call's lines or on its statement's lines above it. */
function exempt(source: Parsed, call: ts.CallExpression): boolean {
  let statement: ts.Node = call;
  while (statement.parent !== undefined && !ts.isBlock(statement.parent) && !ts.isSourceFile(statement.parent)) {
    statement = statement.parent;
  }
  // getFullStart() takes in the comments just above the statement.
  const first = source.file.getLineAndCharacterOfPosition(statement.getFullStart()).line;
  const last = source.file.getLineAndCharacterOfPosition(call.getEnd()).line;
  for (let at = last; at >= first; at -= 1) {
    if (EXEMPTION.test(source.lines[at] ?? '')) return true;
  }
  return false;
}
