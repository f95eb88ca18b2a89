import fc from 'fast-check';
import { isClientDisconnected } from './client-disconnected.js';
import { isConnectionAbort } from './connection-abort.js';
import { OPAQUE_VALUE, describeError, readableError } from './describe-error.js';
import { HttpError, isHttpError } from './errors.js';
import { HOSTILE, throwingProxy } from '../test/hostile-values.js';

describe('describeError', () => {
  test.each(HOSTILE)('%s: a string, no throw', (_name, make) => {
    const text = describeError(make());
    expect(typeof text).toBe('string');
    expect(text.length).toBeGreaterThan(0);
  });

  // The questions a gateway asks of a thrown value before it logs it must not throw either.
  test.each(HOSTILE)('%s: the error-path predicates answer false', (_name, make) => {
    const value = make();
    expect(isConnectionAbort(value)).toBe(false);
    expect(isHttpError(value)).toBe(false);
    expect(isClientDisconnected(value)).toBe(false);
    expect(value instanceof HttpError).toBe(false);
  });

  test('what each kind of value reads as', () => {
    expect(describeError('plain text')).toBe('plain text');
    expect(describeError(42)).toBe('42');
    expect(describeError(undefined)).toBe('undefined');
    expect(describeError(null)).toBe('null');
    expect(describeError(Symbol('boom'))).toBe('Symbol(boom)');
    expect(describeError(10n)).toBe('10');
    const error = new TypeError('bad thing');
    expect(describeError(error)).toBe(error.stack);
    expect(describeError(error, { stack: false })).toBe('TypeError: bad thing');
    const far = Object.defineProperty(new RangeError('far'), 'stack', {
      get() {
        throw new Error('stack getter');
      },
    });
    expect(describeError(far)).toBe('RangeError: far');
    expect(describeError({ name: 'Custom', message: 'duck-typed' })).toBe('Custom: duck-typed');
    expect(describeError({ message: 'only a message' })).toBe('only a message');
    expect(describeError(new URL('http://a/b'))).toBe('http://a/b');
    expect(describeError({ code: 'E_X', status: 500, nested: { a: 1 }, list: [1, 2] })).toBe(
      '{ code: "E_X", status: 500, nested: [object], list: [array of 2] }',
    );
    expect(describeError(Object.assign(Object.create(null), { reason: 'gone' }))).toBe('[Object: null prototype] { reason: "gone" }');
    class Refusal {
      code = 7;
    }
    expect(describeError(new Refusal())).toBe('Refusal { code: 7 }');
    expect(describeError({ toString: () => { throw new Error('no'); } })).toBe('{ toString: [function] } (its toString throws)');
    expect(describeError(throwingProxy())).toBe(OPAQUE_VALUE);
    expect(describeError(function handler() {})).toBe('[function handler]');
  });

  test('a getter that throws on one field does not hide the others', () => {
    const value = Object.defineProperty(Object.assign(Object.create(null), { a: 1 }), 'b', {
      enumerable: true,
      get() {
        throw new Error('b getter');
      },
    });
    expect(describeError(value)).toBe('[Object: null prototype] { a: 1, b: [throws] }');
  });

  test('the text is bounded, and says how long it was', () => {
    const long = 'x'.repeat(100_000);
    const text = describeError(new Error(long));
    expect(text.length).toBeLessThanOrEqual(8192);
    expect(text).toMatch(/\.\.\. \[\d+ characters in all\]$/);
    expect(describeError(long, { maxLength: 100 })).toHaveLength(100);
    // A surrogate pair is never split at the cut.
    const emoji = describeError('\u{1F600}'.repeat(100), { maxLength: 64 });
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  test('a bad maxLength is a TypeError naming it', () => {
    expect(() => describeError('x', { maxLength: 10 })).toThrow(/maxLength must be an integer of at least 64, got 10/);
  });

  test('property: any value, hostile or not, gives a bounded string without throwing', () => {
    // Hostile values are made inside the property: fast-check itself would trip on them.
    const value = fc.oneof(
      fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }).map((v) => () => v),
      fc.constantFrom(...HOSTILE.map(([, make]) => make)),
      fc.string({ maxLength: 20_000 }).map((message) => () => new Error(message)),
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 64, max: 10_000 }), fc.boolean(), (make, maxLength, stack) => {
        const text = describeError(make(), { maxLength, stack });
        return typeof text === 'string' && text.length <= maxLength;
      }),
    );
  });
});

test('readableError keeps a readable Error and turns anything else into one that describes it', () => {
  const plain = new Error('plain');
  expect(readableError(plain, 'x: ')).toBe(plain);
  for (const [name, make] of HOSTILE) {
    const value = make();
    const readable = readableError(value, 'host: ');
    // Whatever it was, a host can now read it without a throw.
    expect(() => `${(readable as Error).message} ${String((readable as Error).stack)}`).not.toThrow();
    expect(readable instanceof Error).toBe(true);
    if (readable !== value) expect((readable as Error).message.startsWith('host: ')).toBe(true);
    void name;
  }
  expect((readableError('a string', 'p: ') as Error).message).toBe('p: a string');
});
