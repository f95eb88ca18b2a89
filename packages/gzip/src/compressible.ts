/**
 * Which media types are worth compressing, and which stream events one by one.
 *
 * Text, JSON, JavaScript, XML (SVG included) and similar formats shrink several
 * times; images, video, audio, fonts in WOFF, archives and wasm are already
 * compressed or gain too little to pay for the CPU. `compressible` is the default
 * `filter` of `gzip()`; export it so a custom filter can build on it.
 *
 * @example
 * gzip({ filter: (type, environ) => environ.PATH_INFO !== '/raw' && compressible(type) });
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.3.1 (media type)
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html (text/event-stream)
 * @module
 */

const TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/x-ndjson',
  'application/ndjson',
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/graphql',
  'application/sql',
  'application/rtf',
  'application/x-www-form-urlencoded',
  'application/x-sh',
  'application/vnd.ms-fontobject',
  'application/x-font-ttf',
  'font/ttf',
  'font/otf',
  'image/bmp',
  'image/x-icon',
  'image/vnd.microsoft.icon',
]);

const SUFFIXES = ['+json', '+xml', '+yaml', '+text'];

/** The media type of a Content-Type value, lower-cased, without parameters. */
export function mediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** True for media types that compress well; false when there is no Content-Type. */
export function compressible(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = mediaType(contentType);
  if (type.startsWith('text/') || TYPES.has(type)) return true;
  for (const suffix of SUFFIXES) if (type.endsWith(suffix)) return true;
  return false;
}

/** True for `text/event-stream`: each event must leave the compressor as soon as it is written. */
export function isEventStream(contentType: string | undefined): boolean {
  return contentType !== undefined && mediaType(contentType) === 'text/event-stream';
}
