/**
 * `LintError`: what `lint()` throws when a server or an application breaks the
 * contract. The message says which rule (by id and by the sentence it keeps), what
 * was seen, and how to fix it.
 * @module
 */
import { describeError, shareInstanceof } from '@tsgi/core';
import { RULES, type RuleId } from './rules.js';

export class LintError extends Error {
  override name = 'LintError';
  /** The rule id, e.g. `'headers.hop-by-hop'`; a key of `RULES`. */
  readonly rule: RuleId;
  /** Which side broke the rule. */
  readonly side: 'server' | 'app';

  /** `message` says what was seen; the rule's sentence and fix are added to it. */
  constructor(rule: RuleId, message: string, options?: { cause?: unknown }) {
    const entry = RULES[rule];
    super(
      `[${rule}] ${message}. Fix: ${entry.fix}. (${entry.source}: "${entry.text}")`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.rule = rule;
    this.side = entry.side;
  }
}
// One LintError for `instanceof` whether it came from the ESM or the CommonJS build.
shareInstanceof(LintError, 'tsgi.LintError');

/** A short, safe description of any value for messages; never throws (a Proxy's traps may). */
export function show(value: unknown): string {
  try {
    return shape(value);
  } catch {
    return describeError(value, { stack: false, maxLength: 80 });
  }
}

function shape(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (value === null || value === undefined || typeof value !== 'object') {
    return typeof value === 'function' ? 'a function' : String(value);
  }
  if (value instanceof Uint8Array) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}
