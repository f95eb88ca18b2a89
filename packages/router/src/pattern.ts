/**
 * Route patterns: `/users/:id`, `/users/:id(\\d+)`, `/files/*path`.
 *
 * - `:name` starts a parameter only at the start of a segment and spans the whole
 *   segment (up to the next `/`); it never matches an empty segment.
 * - `:name(regex)` adds a constraint: the segment must match `^(?:regex)$`. The regex
 *   sees the segment as PATH_INFO holds it (latin-1 "bytes as string"), so write
 *   constraints for ASCII (digits, slugs, hex).
 * - `*name` (or a bare `*`, named `'*'`) is a wildcard: only as the last segment, it
 *   matches the rest of the path, slashes included, possibly empty.
 * - Everything else is literal text, written decoded (`/café`, `/a b`): it is stored
 *   as UTF-8 bytes so it compares equal to the gateway's PATH_INFO. A `:` or `*`
 *   inside a segment (`/v1/items:batch`) is literal.
 *
 * @see https://peps.python.org/pep-3333/#url-reconstruction (PATH_INFO is decoded)
 * @module
 */

import { encodeNative } from '@tsgi/core';

/** One piece of a parsed pattern. */
export type Token =
  | { kind: 'static'; text: string }
  | { kind: 'param'; name: string; constraint: RegExp | null; source: string }
  | { kind: 'wildcard'; name: string };

const NAME = /^[A-Za-z_$][\w$]*$/;

/** Text as PATH_INFO spells it: each UTF-8 byte as one latin-1 code unit. */
export function toPathBytes(text: string): string {
  return encodeNative(text);
}

/** Splits a pattern into static text, params and a final wildcard; throws a TypeError on a bad one. */
export function parsePattern(pattern: string): Token[] {
  if (typeof pattern !== 'string' || !pattern.startsWith('/')) {
    throw new TypeError(`router: a pattern must be a string starting with '/', got ${JSON.stringify(pattern)}`);
  }
  const tokens: Token[] = [];
  let text = '';
  let i = 0;
  while (i < pattern.length) {
    const atSegmentStart = i > 0 && pattern[i - 1] === '/';
    const ch = pattern[i]!;
    if (atSegmentStart && ch === ':') {
      let end = i + 1;
      while (end < pattern.length && pattern[end] !== '/' && pattern[end] !== '(') end++;
      const name = pattern.slice(i + 1, end);
      if (!NAME.test(name)) throw new TypeError(`router: bad parameter name ${JSON.stringify(name)} in ${pattern}`);
      let source = '';
      if (pattern[end] === '(') {
        const close = closingParen(pattern, end);
        source = pattern.slice(end + 1, close);
        end = close + 1;
        if (end < pattern.length && pattern[end] !== '/') {
          throw new TypeError(`router: a parameter must fill its segment; text after ')' in ${pattern}`);
        }
      }
      if (text) tokens.push({ kind: 'static', text: toPathBytes(text) });
      text = '';
      let constraint: RegExp | null = null;
      if (source) {
        try {
          constraint = new RegExp(`^(?:${source})$`);
        } catch (cause) {
          throw new TypeError(`router: bad constraint (${source}) for :${name} in ${pattern}`, { cause });
        }
      }
      tokens.push({ kind: 'param', name, constraint, source });
      i = end;
    } else if (atSegmentStart && ch === '*') {
      const name = pattern.slice(i + 1) || '*';
      if (name !== '*' && !NAME.test(name)) {
        throw new TypeError(`router: a wildcard must be the last segment (*name), in ${pattern}`);
      }
      if (text) tokens.push({ kind: 'static', text: toPathBytes(text) });
      text = '';
      tokens.push({ kind: 'wildcard', name });
      i = pattern.length;
    } else {
      text += ch;
      i++;
    }
  }
  if (text) tokens.push({ kind: 'static', text: toPathBytes(text) });
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'static') continue;
    if (token.name === '__proto__') throw new TypeError(`router: __proto__ cannot be a parameter name`);
    if (seen.has(token.name)) throw new TypeError(`router: parameter ${token.name} appears twice in ${pattern}`);
    seen.add(token.name);
  }
  return tokens;
}

function closingParen(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  throw new TypeError(`router: unclosed '(' in ${pattern}`);
}
