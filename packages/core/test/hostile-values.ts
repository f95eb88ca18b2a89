/**
 * Values an app can throw that `String(value)` or `value.stack` throw on in turn: the
 * one list every test of an error path uses (core's describeError, the conformance
 * table through serve()/toFetch()/testClient(), the server's socket matrix). Each is
 * made fresh by its function, inside the test: fast-check and jest trip on some of them.
 */

/** A Proxy on which every operation throws (its handler is a Proxy whose every trap throws). */
export function throwingProxy(): object {
  const handler = new Proxy(
    {},
    {
      get: () => () => {
        throw new Error('trap');
      },
    },
  );
  return new Proxy({}, handler);
}

function throwingGetter<T extends object>(target: T, key: string): T {
  return Object.defineProperty(target, key, {
    get() {
      throw new Error(`${key} getter`);
    },
  });
}

export const HOSTILE: Array<[name: string, make: () => unknown]> = [
  ['a null-prototype object', () => Object.create(null)],
  ['a Proxy whose traps throw', throwingProxy],
  [
    'an object whose toString throws',
    () => ({
      toString() {
        throw new Error('toString');
      },
    }),
  ],
  ['an Error whose stack getter throws', () => throwingGetter(new Error('boom'), 'stack')],
  [
    'an Error without a stack whose message getter throws',
    () => throwingGetter(Object.defineProperty(new Error('boom'), 'stack', { value: undefined }), 'message'),
  ],
  ['a Symbol', () => Symbol('boom')],
  [
    'a revoked Proxy',
    () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    },
  ],
];
