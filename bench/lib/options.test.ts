import { join } from 'node:path';
import { BENCH_HELP, goalMet, parseBenchArgs, resultsDir, shownRatio } from './options.js';

test('--help and --save; anything else is refused with the usage', () => {
  expect(parseBenchArgs([])).toEqual({ help: false, save: false });
  expect(parseBenchArgs(['--help'])).toEqual({ help: true, save: false });
  expect(parseBenchArgs(['--save'])).toEqual({ help: false, save: true });
  expect(() => parseBenchArgs(['--sav'])).toThrow('pnpm bench: unknown argument "--sav"; usage: pnpm bench [--save] [--help]');
  expect(BENCH_HELP).toMatch(/--save[\s\S]*BENCH_SCENARIOS/);
});

test('ad-hoc results go to the ignored adhoc/ folder unless --save', () => {
  expect(resultsDir('/b', false)).toBe(join('/b', 'results', 'adhoc'));
  expect(resultsDir('/b', true)).toBe(join('/b', 'results'));
});

test('a goal is judged on the ratio as printed: 0.9496 shows 0.95x and meets 0.95', () => {
  expect(shownRatio(0.9496)).toBe('0.95');
  expect(goalMet(0.9496, 0.95)).toBe(true);
  expect(goalMet(0.9449, 0.95)).toBe(false);
  expect(goalMet(1.2, 1.2)).toBe(true);
});

test('the help names every scenario', async () => {
  const { SCENARIOS } = await import('./scenarios.js');
  for (const scenario of SCENARIOS) expect(BENCH_HELP).toContain(scenario.name);
});
