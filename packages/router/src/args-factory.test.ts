import fc from 'fast-check';
import { argsFactory, plainSpans } from './args-factory.js';

const NAME = fc.stringMatching(/^[A-Za-z_$][\w$]{0,8}$/).filter((n) => n !== '__proto__');

/** A path of `/`-joined values and the offsets of each value, as the matcher leaves them. */
function layout(values: readonly string[]): { path: string; bounds: number[] } {
  let path = '';
  const bounds: number[] = [];
  for (const value of values) {
    path += '/';
    bounds.push(path.length, path.length + value.length);
    path += value;
  }
  return { path, bounds };
}

test('the generated maker and the loop give the same routing args, in the names order', () => {
  fc.assert(
    fc.property(fc.uniqueArray(NAME, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.array(fc.string(), { minLength: 7, maxLength: 7 }), (names, star, raw) => {
      const all = star ? [...names, '*'] : names;
      const { path, bounds } = layout(all.map((_, i) => raw[i]!.replace(/\//g, '')));
      const generated = argsFactory(all)(path, bounds);
      const original = globalThis.Function;
      // What a runtime that refuses code generation (Workers) gets: the loop.
      globalThis.Function = function refused() {
        throw new EvalError('Code generation from strings disallowed for this context');
      } as unknown as FunctionConstructor;
      let looped;
      try {
        looped = argsFactory(all)(path, bounds);
      } finally {
        globalThis.Function = original;
      }
      expect(generated).toEqual(looped);
      expect(Object.keys(generated[1])).toEqual(names);
      expect(generated[0]).toEqual(star ? [path.slice(bounds[2 * names.length], bounds[2 * names.length + 1])] : []);
    }),
  );
});

test('each call makes new lists and a new object (a handler may change them)', () => {
  const make = argsFactory(['id', '*']);
  const a = make('/7/x', [1, 2, 3, 4]);
  const b = make('/7/x', [1, 2, 3, 4]);
  expect(a).toEqual([['x'], { id: '7' }]);
  expect(a).not.toBe(b);
  expect(a[0]).not.toBe(b[0]);
  expect(a[1]).not.toBe(b[1]);
});

test('plainSpans: false as soon as a param has a % or a byte above 0x7F, outside the params it does not look', () => {
  expect(plainSpans('/a%/b', [1, 2, 4, 5], 2)).toBe(true);
  expect(plainSpans('/a%/b', [1, 3, 4, 5], 2)).toBe(false);
  expect(plainSpans('/a/\xc3\xa9', [1, 2, 3, 5], 2)).toBe(false);
  expect(plainSpans('/a/\xc3\xa9', [1, 2, 3, 5], 1)).toBe(true);
});
