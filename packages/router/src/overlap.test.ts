import fc from 'fast-check';
import { covers, mayOverlap, shapeOf, type Shape } from './overlap.js';
import { Matcher } from './matcher.js';
import { parsePattern } from './pattern.js';

const shape = (pattern: string): Shape => shapeOf(parsePattern(pattern));

/** Whether `path` matches `s`, segment by segment (the meaning the radix walk gives a pattern). */
function matches(s: Shape, path: string): boolean {
  const parts = path.split('/').slice(1);
  const count = s.segments.length;
  if (s.wild ? parts.length <= count : parts.length !== count) return false;
  return s.segments.every((seg, i) => {
    const part = parts[i]!;
    if ('text' in seg) return seg.text === part;
    return part !== '' && (seg.constraint === null || seg.constraint.test(part));
  });
}

test('a pattern becomes its segments and a wildcard flag', () => {
  expect(shape('/')).toEqual({ segments: [{ text: '' }], wild: false });
  expect(shape('/*')).toEqual({ segments: [], wild: true });
  expect(shape('/users/')).toEqual({ segments: [{ text: 'users' }, { text: '' }], wild: false });
  expect(shape('/repos/:owner/issues/*rest')).toEqual({
    segments: [{ text: 'repos' }, { constraint: null, source: '' }, { text: 'issues' }],
    wild: true,
  });
  expect(shape('/v1/items:batch/:id(\\d+)').segments[2]).toMatchObject({ source: '\\d+' });
});

test('overlap and cover, by hand', () => {
  expect(mayOverlap(shape('/users/:id'), shape('/users/new'))).toBe(true);
  expect(covers(shape('/users/:id'), shape('/users/new'))).toBe(true);
  expect(covers(shape('/users/new'), shape('/users/:id'))).toBe(false);
  // A constraint is tested on static text: `new` is not digits.
  expect(mayOverlap(shape('/users/:id(\\d+)'), shape('/users/new'))).toBe(false);
  expect(covers(shape('/users/:id(\\d+)'), shape('/users/42'))).toBe(true);
  // Two params may share values; a plain one covers a constrained one, not the reverse.
  expect(mayOverlap(shape('/u/:id(\\d+)'), shape('/u/:name([a-z]+)'))).toBe(true);
  expect(covers(shape('/u/:name'), shape('/u/:id(\\d+)'))).toBe(true);
  expect(covers(shape('/u/:id(\\d+)'), shape('/u/:name'))).toBe(false);
  expect(covers(shape('/u/:id(\\d+)'), shape('/u/:n(\\d+)'))).toBe(true);
  // A wildcard takes one segment or more (`/files/` too), never `/files` itself.
  expect(mayOverlap(shape('/files/*'), shape('/files'))).toBe(false);
  expect(covers(shape('/files/*'), shape('/files/'))).toBe(true);
  expect(covers(shape('/files/*'), shape('/files/:a/:b'))).toBe(true);
  expect(covers(shape('/files/*'), shape('/files/a/*'))).toBe(true);
  expect(covers(shape('/files/a/*'), shape('/files/*'))).toBe(false);
  expect(mayOverlap(shape('/a/*'), shape('/a/b/*'))).toBe(true);
  // Lengths differ and no wildcard: never the same path.
  expect(mayOverlap(shape('/a/:b'), shape('/a/:b/:c'))).toBe(false);
});

test('property: mayOverlap is never false for two patterns one path matches; covers is never true when a path of the inner one misses the outer', () => {
  const segment = fc.constantFrom('a', 'b', '1', '12', ':p', ':p(\\d+)', ':p([a-z]+)', '');
  const pattern = fc
    .tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([segs, wild]) => '/' + segs.map((s, i) => s.replace(':p', `:p${i}`)).join('/') + (wild ? '/*' : ''));
  const path = fc.array(fc.constantFrom('a', 'b', '1', '12', 'x', ''), { minLength: 1, maxLength: 5 }).map((parts) => '/' + parts.join('/'));
  fc.assert(
    fc.property(pattern, pattern, fc.array(path, { minLength: 1, maxLength: 30 }), (p, q, paths) => {
      const a = shape(p);
      const b = shape(q);
      const walked = new Matcher<string>();
      walked.add('GET', p, p);
      for (const one of paths) {
        // The reference means what the radix walk means.
        expect(matches(a, one)).toBe(walked.find('GET', one) !== null);
        if (matches(a, one) && matches(b, one)) expect(mayOverlap(a, b)).toBe(true);
        if (matches(b, one) && covers(a, b)) expect(matches(a, one)).toBe(true);
      }
      expect(mayOverlap(a, b)).toBe(mayOverlap(b, a));
    }),
    { numRuns: 1000 },
  );
});
