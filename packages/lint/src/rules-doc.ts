/**
 * The lint rule table as Markdown, for docs/spec.md. rules-doc.test.ts checks that
 * the doc holds exactly this table; run it with `UPDATE_SPEC=1` to rewrite it.
 * @module
 */
import { RULES, RULE_IDS } from './rules.js';

export const SPEC_START = '<!-- lint-rules:start (generated from packages/lint/src/rules.ts) -->';
export const SPEC_END = '<!-- lint-rules:end -->';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** One Markdown table: rule id | side | the sentence it checks (with its source) | what it catches. */
export function rulesMarkdown(): string {
  const rows = RULE_IDS.map((id) => {
    const rule = RULES[id];
    return `| \`${id}\` | ${rule.side} | ${cell(rule.source)}: ${cell(rule.text)} | ${cell(rule.catches)} |`;
  });
  return ['| rule id | side | sentence it checks | what it catches |', '|---|---|---|---|', ...rows].join('\n');
}
