import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_IDS } from '@tsgi/lint';
import { SPEC_END, SPEC_START, rulesMarkdown } from './rules-doc.js';

const SPEC = join(__dirname, '../../../docs/spec.md');

test('docs/spec.md lists every lint rule, exactly as src/rules.ts has it', () => {
  let doc = readFileSync(SPEC, 'utf8');
  const start = doc.indexOf(SPEC_START);
  const end = doc.indexOf(SPEC_END);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  const table = rulesMarkdown();
  if (process.env.UPDATE_SPEC) {
    doc = doc.slice(0, start + SPEC_START.length) + '\n' + table + '\n' + doc.slice(end);
    writeFileSync(SPEC, doc);
  }
  for (const id of RULE_IDS) expect(doc).toContain(`| \`${id}\` |`);
  // If this fails, run: UPDATE_SPEC=1 npx jest packages/lint/src/rules-doc
  expect(doc.slice(start + SPEC_START.length, end).trim()).toBe(table);
});
