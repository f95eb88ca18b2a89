export { lint, type LintOptions } from './lint.js';
export { LintError } from './lint-error.js';
export { RULES, RULE_IDS, type Rule, type RuleId } from './rules.js';
export { checkEnviron } from './check-environ.js';
