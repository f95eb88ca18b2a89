import fc from 'fast-check';
import { ERROR_MEDIA_TYPES, negotiateErrorType } from './error-media-type.js';

test.each([
  [undefined, 'text/plain'],
  ['', 'text/plain'],
  ['*/*', 'text/plain'],
  ['application/json', 'application/json'],
  ['application/problem+json', 'application/problem+json'],
  ['application/*', 'application/problem+json'],
  ['application/json, application/problem+json', 'application/problem+json'],
  ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', 'text/html'],
  ['text/*', 'text/plain'],
  ['text/html;q=0.5, application/json', 'application/json'],
  ['application/json;q=0, */*', 'text/plain'],
  ['TEXT/HTML', 'text/html'],
  ['image/png', 'text/plain'],
  ['garbage, ;;, /', 'text/plain'],
  ['text/html;q=2', 'text/plain'],
])('Accept %p -> %s', (accept, expected) => {
  expect(negotiateErrorType(accept)).toBe(expected);
});

test('property: an exactly named type with the highest q wins; the answer is always one of the four', () => {
  const type = fc.constantFrom(...ERROR_MEDIA_TYPES);
  fc.assert(
    fc.property(type, fc.array(fc.tuple(type, fc.integer({ min: 0, max: 9 })), { maxLength: 4 }), (top, others) => {
      const accept = [`${top};q=1`, ...others.filter(([t]) => t !== top).map(([t, q]) => `${t};q=0.${q}`)].join(', ');
      expect(negotiateErrorType(accept)).toBe(top);
    }),
  );
  fc.assert(
    fc.property(fc.string(), (accept) => {
      expect(ERROR_MEDIA_TYPES).toContain(negotiateErrorType(accept));
    }),
  );
});
