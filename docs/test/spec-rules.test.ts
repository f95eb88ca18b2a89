/**
 * docs/spec.md cites every @tsgi/lint rule id inline, next to the sentence it checks
 * (`[body.close-once]`), and cites no id that does not exist. The generated table at
 * the end is checked by packages/lint/src/rules-doc.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_IDS } from '@tsgi/lint';

const spec = readFileSync(join(__dirname, '..', 'spec.md'), 'utf8');
const prose = spec.slice(0, spec.indexOf('<!-- lint-rules:start'));
const cited = new Set([...prose.matchAll(/\[`([a-z-]+\.[a-z-]+)`\]/g)].map((m) => m[1]!));

test('the generated rule table is still there', () => {
  expect(spec).toContain('<!-- lint-rules:start');
  expect(spec).toContain('<!-- lint-rules:end -->');
});

test.each([...RULE_IDS])('the spec text cites [%s]', (id) => {
  expect(cited.has(id)).toBe(true);
});

test('every id cited in the text is a lint rule', () => {
  const known = new Set<string>(RULE_IDS);
  expect([...cited].filter((id) => !known.has(id))).toEqual([]);
});
