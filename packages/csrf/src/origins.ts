/**
 * The origins `csrf()` compares a request's `Origin` with: the request's own origin,
 * rebuilt from the environ with PEP 3333's URL recipe (`wsgi.url_scheme` and
 * `HTTP_HOST`, or `SERVER_NAME` and `SERVER_PORT`; so behind a TLS proxy, after
 * proxyFix), and the trusted origins given, normalized once at factory time to the form
 * browsers send (lower case, no default port) by core's `normalizeOrigin`, as cors's
 * allowed origins are. Comparison is exact, whole-string.
 *
 * @example
 * ownOrigin({ 'wsgi.url_scheme': 'https', HTTP_HOST: 'Example.com:443', ... }); // 'https://example.com'
 * @see https://peps.python.org/pep-3333/#url-reconstruction
 * @see https://www.rfc-editor.org/rfc/rfc6454#section-6.2 (serializing an origin)
 * @module
 */
import { normalizeOrigin, type Environ } from '@tsgi/core';

/** This request's origin as a browser on the same site would send it in `Origin`. */
export function ownOrigin(environ: Environ): string {
  const scheme = environ['wsgi.url_scheme'];
  let host = environ.HTTP_HOST;
  if (!host) {
    const port = environ.SERVER_PORT;
    host = (port === (scheme === 'https' ? '443' : '80') ? environ.SERVER_NAME : `${environ.SERVER_NAME}:${port}`) as string;
  }
  host = host.toLowerCase();
  // Browsers leave the scheme's default port out of Origin; Host may carry it.
  const defaultPort = scheme === 'https' ? ':443' : ':80';
  if (host.endsWith(defaultPort)) host = host.slice(0, -defaultPort.length);
  return `${scheme}://${host}`;
}

/**
 * A trusted origin as browsers serialize it (core's `normalizeOrigin`, the rule cors's
 * allow list shares), or a TypeError saying how to write it. `null` is refused: it is
 * the origin of every sandboxed frame and `file:` or `data:` page, so trusting it
 * would let any of them post.
 */
export function trustedOrigin(text: unknown, where: string): string {
  if (typeof text !== 'string' || text === 'null') {
    throw new TypeError(
      `${where}: ${JSON.stringify(text)} is not an origin to trust; write scheme://host[:port] with no path or trailing slash, e.g. "https://app.example.com"`,
    );
  }
  return normalizeOrigin(text, where);
}
