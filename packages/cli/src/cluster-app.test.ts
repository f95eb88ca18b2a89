import { factoryParameters } from './cluster-app.js';

type Fn = (...args: never[]) => unknown;

test('an application declares (environ, startResponse): not a factory, whatever its form', () => {
  const apps: Fn[] = [
    (_environ: unknown, _startResponse: unknown) => [],
    async function app(_environ: unknown, _startResponse: unknown) {
      return [];
    },
    (_environ: unknown, _startResponse: unknown = () => undefined) => [], // length 1, two declared
    (...args: unknown[]) => args, // a wrapper passing its arguments on
    function (this: unknown, ...args: unknown[]) {
      return args;
    },
    ((_environ: unknown, _startResponse: unknown) => []).bind(null), // native source: cannot tell, so trusted
  ];
  for (const app of apps) expect([String(app), factoryParameters(app)]).toEqual([String(app), undefined]);
});

test('fewer than two declared parameters and no rest: a factory, with the count', () => {
  expect(factoryParameters(() => () => [])).toBe(0);
  expect(factoryParameters(async () => () => [])).toBe(0);
  expect(factoryParameters(function createApp() {
    return () => [];
  })).toBe(0);
  expect(factoryParameters((options: unknown) => options)).toBe(1);
  expect(factoryParameters((options: { a?: string } = { a: ')' }) => options)).toBe(1);
  expect(factoryParameters(({ a, b }: { a: number; b: number }) => a + b)).toBe(1);
  expect(factoryParameters(((x: unknown) => x) as Fn)).toBe(1);
  expect(factoryParameters({ make(env: string) { return env; } }.make as Fn)).toBe(1);
});
