import fc from 'fast-check';
import type { ResponseHeaders } from '@tsgi/core';
import { reasonOf, withContentLength } from './response-head.js';

test('reasonOf: the text after the code, for a status seen again or new', () => {
  expect(reasonOf('200 OK')).toBe('OK');
  expect(reasonOf('200 OK')).toBe('OK');
  expect(reasonOf('404 Not Found')).toBe('Not Found');
  expect(reasonOf('200 Fine')).toBe('Fine');
});

test('withContentLength: a new list with the length last; the app list is never changed', () => {
  const app: ResponseHeaders = [['Content-Type', 'text/plain']];
  const head = withContentLength(app, 13);
  expect(head).toEqual([['Content-Type', 'text/plain'], ['Content-Length', '13']]);
  expect(app).toEqual([['Content-Type', 'text/plain']]);
  // The same list, pairs and length again: the same head, made once.
  expect(withContentLength(app, 13)).toBe(head);
});

test('withContentLength: another length, a pair replaced or added, another list: a new head', () => {
  const app: ResponseHeaders = [['Content-Type', 'text/plain']];
  const first = withContentLength(app, 13);
  expect(withContentLength(app, 14)).toEqual([['Content-Type', 'text/plain'], ['Content-Length', '14']]);
  withContentLength(app, 13);
  app[0] = ['Content-Type', 'text/html'];
  expect(withContentLength(app, 13)).toEqual([['Content-Type', 'text/html'], ['Content-Length', '13']]);
  app.push(['X-A', '1']);
  expect(withContentLength(app, 13)).toEqual([['Content-Type', 'text/html'], ['X-A', '1'], ['Content-Length', '13']]);
  app.length = 0;
  expect(withContentLength(app, 13)).toEqual([['Content-Length', '13']]);
  expect(withContentLength([['Content-Type', 'text/plain']], 13)).not.toBe(first);
});

test('withContentLength: whatever the app does to its list between calls, the head is its list now plus the length', () => {
  const pair = (): fc.Arbitrary<[string, string]> => fc.tuple(fc.constantFrom('A', 'B', 'C'), fc.constantFrom('1', '2'));
  const op = fc.oneof(
    fc.record({ kind: fc.constant('push' as const), pair: pair() }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(4), pair: pair() }),
    fc.record({ kind: fc.constant('mutate' as const), at: fc.nat(4), value: fc.constantFrom('1', '2', '3') }),
    fc.record({ kind: fc.constant('pop' as const) }),
    fc.record({ kind: fc.constant('length' as const), length: fc.nat(99) }),
    fc.record({ kind: fc.constant('other' as const) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
      const app: ResponseHeaders = [['A', '1']];
      let length = 5;
      for (const o of ops) {
        if (o.kind === 'push') app.push(o.pair);
        else if (o.kind === 'set' && o.at < app.length) app[o.at] = o.pair;
        else if (o.kind === 'mutate' && o.at < app.length) app[o.at]![1] = o.value;
        else if (o.kind === 'pop') app.pop();
        else if (o.kind === 'length') length = o.length;
        else if (o.kind === 'other') withContentLength([['Z', '9']], length);
        const expected = [...app.map(([n, v]) => [n, v]), ['Content-Length', String(length)]];
        expect(withContentLength(app, length)).toEqual(expected);
      }
    }),
  );
});
