import { normalizeOrigin } from './origin.js';

test.each([
  ['https://Example.COM', 'https://example.com'],
  ['https://example.com:443', 'https://example.com'],
  ['http://example.com:80', 'http://example.com'],
  ['http://example.com:8080', 'http://example.com:8080'],
  ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
  ['http://[::1]:3000', 'http://[::1]:3000'],
  ['https://bücher.example', 'https://xn--bcher-kva.example'],
  ['capacitor://localhost', 'capacitor://localhost'],
  ['Capacitor://LocalHost', 'capacitor://localhost'],
  ['null', 'null'],
])('%s -> %s', (given, normalized) => {
  expect(normalizeOrigin(given, 'origin')).toBe(normalized);
});

test.each([
  ['https://example.com/', /^cors: origin: "https:\/\/example\.com\/" is not an origin; .*no path, query or trailing slash/],
  ['https://example.com/app', /no path/],
  ['https://example.com?x=1', /not an origin/],
  ['https://user@example.com', /not an origin/],
  ['example.com', /not an origin/],
  ['*.example.com', /not an origin/],
  ['https://exa mple.com', /not an origin/],
  ['https://exa%mple.com', /not a valid URL origin/],
])('%s is refused, naming the option', (given, message) => {
  expect(() => normalizeOrigin(given, 'cors: origin')).toThrow(message);
});
