import { compressible, isEventStream, mediaType } from './compressible.js';

describe('compressible', () => {
  it.each([
    'text/html; charset=utf-8',
    'TEXT/CSS',
    'application/json',
    'application/problem+json',
    'application/javascript',
    'application/xml',
    'image/svg+xml',
    'application/x-ndjson',
    'text/event-stream',
  ])('compresses %s', (type) => expect(compressible(type)).toBe(true));

  it.each(['image/png', 'image/jpeg', 'video/mp4', 'application/zip', 'application/wasm', 'font/woff2', 'application/octet-stream', '', undefined])(
    'leaves %s',
    (type) => expect(compressible(type)).toBe(false),
  );

  it('reads the media type without parameters', () => {
    expect(mediaType(' Text/Event-Stream ; charset=utf-8')).toBe('text/event-stream');
    expect(isEventStream('text/event-stream;charset=utf-8')).toBe(true);
    expect(isEventStream('text/plain')).toBe(false);
    expect(isEventStream(undefined)).toBe(false);
  });
});
