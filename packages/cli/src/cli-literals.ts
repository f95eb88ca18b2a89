/**
 * The arguments of an application factory named on the command line, as gunicorn
 * takes them: `tsgi serve 'app.js:createApp("prod", 3, { debug: false })'`. Only
 * literals are read: strings in single or double quotes, numbers, `true`, `false`,
 * `null`, arrays and objects (keys as identifiers or strings). Nothing is evaluated:
 * this is a parser of its own, never `eval` or `Function`, so a target cannot run
 * code in the primary, and anything else is a one-line error that says what was
 * found and where.
 *
 * @example
 * parseLiteralArguments(`'prod', 3, { debug: false }`); // ['prod', 3, { debug: false }]
 *
 * @see https://docs.gunicorn.org/en/stable/run.html (the `$(MODULE_NAME):$(VARIABLE_NAME)` with a call)
 * @module
 */
import { ConfigError } from './setting-value.js';

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*/;
const WORDS = new Map<string, unknown>([
  ['true', true],
  ['false', false],
  ['null', null],
]);
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0' };
/** Deeper nesting than any factory's options need; keeps a hostile argument from exhausting the stack. */
const MAX_DEPTH = 32;
const ALLOWED = 'only literals are allowed (strings, numbers, true, false, null, arrays, objects); nothing is evaluated';

/** Reads the text between a factory call's parentheses; throws a one-line ConfigError naming `what` (the target). */
export function parseLiteralArguments(text: string, what = 'the arguments'): unknown[] {
  let at = 0;
  const fail = (problem: string): never => {
    throw new ConfigError(`${what}: ${problem} at character ${at + 1} of ${JSON.stringify(text)}; ${ALLOWED}`);
  };
  const space = (): void => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  const expect = (char: string): void => {
    space();
    if (text[at] !== char) fail(at < text.length ? `expected '${char}', found '${text[at]}'` : `expected '${char}', found the end`);
    at++;
  };

  function string(): string {
    const quote = text[at++]!;
    let out = '';
    for (;;) {
      if (at >= text.length) fail(`unclosed ${quote}`);
      const char = text[at++]!;
      if (char === quote) return out;
      if (char !== '\\') {
        out += char;
        continue;
      }
      const escaped = text[at++];
      if (escaped === undefined) fail(`unclosed ${quote}`);
      if (escaped === 'u') {
        const hex = /^[0-9a-fA-F]{4}/.exec(text.slice(at))?.[0] ?? fail('\\u needs 4 hex digits');
        out += String.fromCharCode(parseInt(hex, 16));
        at += 4;
      } else out += ESCAPES[escaped!] ?? escaped;
    }
  }

  /** A list of values up to `close`, separated by commas, a trailing comma allowed. */
  function list<T>(close: string, item: () => T): T[] {
    const out: T[] = [];
    for (;;) {
      space();
      if (text[at] === close || (close === '' && at >= text.length)) return out;
      out.push(item());
      space();
      if (text[at] === ',') at++;
      else if (text[at] !== close && !(close === '' && at >= text.length)) fail(close === '' ? `expected ',' or the end` : `expected ',' or '${close}'`);
    }
  }

  function value(depth: number): unknown {
    if (depth > MAX_DEPTH) fail(`more than ${MAX_DEPTH} levels of nesting`);
    space();
    const char = text[at];
    if (char === undefined) return fail('expected a value, found the end');
    if (char === '"' || char === "'") return string();
    if (char === '[') {
      at++;
      const items = list(']', () => value(depth + 1));
      at++;
      return items;
    }
    if (char === '{') {
      at++;
      const object: Record<string, unknown> = {};
      for (const [key, item] of list('}', () => entry(depth + 1))) {
        // As JSON.parse does: an own property, even for '__proto__', never a prototype.
        Object.defineProperty(object, key, { value: item, enumerable: true, writable: true, configurable: true });
      }
      at++;
      return object;
    }
    const number = NUMBER.exec(text.slice(at))?.[0];
    if (number !== undefined) {
      at += number.length;
      return Number(number);
    }
    const word = IDENTIFIER.exec(text.slice(at))?.[0];
    if (word !== undefined && WORDS.has(word)) {
      at += word.length;
      return WORDS.get(word);
    }
    if (word !== undefined) return fail(`'${word}' is not a literal`);
    return fail(`unexpected '${char}'`);
  }

  function entry(depth: number): [string, unknown] {
    space();
    const char = text[at];
    let key: string;
    if (char === '"' || char === "'") key = string();
    else {
      key = IDENTIFIER.exec(text.slice(at))?.[0] ?? fail('expected a key');
      at += key.length;
    }
    expect(':');
    return [key, value(depth)];
  }

  const args = list('', () => value(1));
  return args;
}
