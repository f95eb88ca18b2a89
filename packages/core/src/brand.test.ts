import { shareInstanceof } from './brand.js';

/** Two classes made by the same source, as the ESM and the CommonJS build each make one. */
function makeCopy(): new (message: string) => Error {
  class Copied extends Error {}
  shareInstanceof(Copied, 'tsgi.test.Copied');
  return Copied;
}

test('an instance of one copy is an instance of the other copy', () => {
  const A = makeCopy();
  const B = makeCopy();
  expect(A).not.toBe(B);
  expect(new A('x') instanceof B).toBe(true);
  expect(new B('x') instanceof A).toBe(true);
});

test('other values and other brands are not instances', () => {
  const A = makeCopy();
  class Other extends Error {}
  shareInstanceof(Other, 'tsgi.test.Other');
  expect(new Error('x') instanceof A).toBe(false);
  expect(new Other('x') instanceof A).toBe(false);
  expect((null as unknown as object) instanceof A).toBe(false);
  expect({} instanceof A).toBe(false);
});

test('a subclass keeps the ordinary check and its instances are instances of the base', () => {
  const A = makeCopy();
  const B = makeCopy();
  class Sub extends A {}
  expect(new Sub('x') instanceof Sub).toBe(true);
  expect(new Sub('x') instanceof B).toBe(true);
  expect(new A('x') instanceof Sub).toBe(false);
});
