/**
 * `staticFiles({ root })`: an Application serving the files under `root`, like
 * Rack::Files, Werkzeug's SharedDataMiddleware and send/serve-static.
 *
 * Request: GET and HEAD (anything else 405 with `Allow`); `PATH_INFO` names the file
 * (mount it under a prefix with `urlMap`). The path is checked before any fs call
 * (see request-path.ts): no `..`, backslash or NUL, dotfiles refused by default; a
 * file reached through a symlink out of `root` is refused unless `followSymlinks`.
 * The root itself may be a symlink a deploy swaps (`current -> releases/N`): its real
 * path is looked up again as it moves (see root-path.ts), no restart needed.
 * A directory URL serves its `index` file; a directory without its slash redirects.
 * Response: the file with Content-Type, Content-Length, ETag, Last-Modified,
 * Cache-Control and Accept-Ranges; 304/412 for conditional requests, 206/416 for
 * ranges (see send-file.ts). Whatever is refused or missing is a plain 404, which
 * `cascade` passes on to the next app; with `throwHttpErrors` these errors are thrown
 * as core's `HttpError` instead, for `httpErrors()` above to render (a thrown 404
 * still falls through `cascade`).
 *
 * Where in the stack: an app, at the bottom; mount it with `urlMap`, or try it first
 * in `cascade([staticFiles({ root }), api])`. Under `gzip()` its text files are
 * compressed on the fly, its precompressed siblings never again.
 *
 * @example
 * const app = urlMap({ '/assets': staticFiles({ root: './dist/assets', immutable: true }), '/': api });
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.3.1 (GET)
 * @see https://github.com/rack/rack/blob/main/lib/rack/files.rb
 * @module
 */
import { join } from 'node:path';
import { quotePath, type Application, type Body, type Environ, type StartResponse } from '@tsgi/core';
import { contentTypeFor } from './mime.js';
import { openFile, release } from './open-file.js';
import { acceptedCodings, SIBLING_SUFFIX } from './precompressed.js';
import { requestPath, type RequestPath } from './request-path.js';
import { openInside as openConfined, RootRealPath } from './root-path.js';
import { isReadMethod, methodNotAllowed, refuse, textResponse } from './static-answers.js';
import { sendFile, type OpenFile } from './send-file.js';
import { resolveStaticOptions, type StaticFilesOptions } from './static-options.js';

export type { StaticFilesOptions } from './static-options.js';

export function staticFiles(options: StaticFilesOptions): Application {
  const config = resolveStaticOptions(options);
  const throwing = config.file.throwHttpErrors;
  // The root's real path, looked up by requests (no I/O at factory time) and again
  // when the root moves: a `current -> releases/N` symlink swapped by a deploy.
  const root = new RootRealPath(config.root);

  /** Opens `path` if it is a file inside the root; otherwise the status to answer. */
  function openInside(path: string): Promise<OpenFile | 404 | 403> {
    return config.followSymlinks ? openFile(path) : openConfined(root, path);
  }

  /** Sends a file found at `path` (named `name` for its Content-Type), trying precompressed siblings first. */
  async function serve(path: string, name: string, environ: Environ, startResponse: StartResponse, file: OpenFile): Promise<Body> {
    const immutable = config.immutable instanceof RegExp ? config.immutable.test(name) : config.immutable;
    const contentType = contentTypeFor(name);
    const vary = config.precompressed.length > 0;
    for (const coding of acceptedCodings(environ.HTTP_ACCEPT_ENCODING, config.precompressed)) {
      const sibling = await openInside(path + SIBLING_SUFFIX[coding]);
      if (typeof sibling === 'number') continue;
      if (!sibling.stat.isFile()) {
        release(sibling.handle);
        continue;
      }
      release(file.handle);
      return sendFile(sibling, environ, startResponse, config.file, { contentType, encoding: coding, vary, immutable });
    }
    return sendFile(file, environ, startResponse, config.file, { contentType, vary, immutable });
  }

  /** A directory: its index file, or a redirect to its URL with the slash. */
  async function serveDirectory(path: string, target: RequestPath, environ: Environ, startResponse: StartResponse): Promise<Body> {
    if (!target.slash) {
      if (!config.redirect) return refuse(throwing, startResponse, 404);
      // Built from the checked segments, so the Location is always one local path
      // (a '//evil.example' PATH_INFO cannot become a protocol-relative redirect).
      // SCRIPT_NAME is latin-1 bytes (quotePath); the segments are decoded UTF-8 text.
      // Leading slashes collapse to one: '//host/' would leave the site.
      const rest = target.segments.map(encodeURIComponent).join('/');
      const location = `${quotePath(environ.SCRIPT_NAME)}/${rest ? rest + '/' : ''}`.replace(/^\/{2,}/, '/');
      const query = environ.QUERY_STRING ? `?${environ.QUERY_STRING}` : '';
      return textResponse(startResponse, 301, [['Location', location + query]]);
    }
    for (const name of config.index) {
      const indexPath = join(path, name);
      const file = await openInside(indexPath);
      if (typeof file === 'number') continue;
      if (file.stat.isFile()) return serve(indexPath, name, environ, startResponse, file);
      release(file.handle);
    }
    return refuse(throwing, startResponse, 404);
  }

  return async function staticFilesApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
    if (!isReadMethod(environ.REQUEST_METHOD)) return methodNotAllowed(throwing, startResponse);
    const target = requestPath(environ.PATH_INFO ?? '');
    if (target === undefined) return refuse(throwing, startResponse, 404);
    if (target.dotfile && config.dotfiles !== 'allow') return refuse(throwing, startResponse, config.dotfiles === 'deny' ? 403 : 404);
    const path = join(config.root, ...target.segments);
    const file = await openInside(path);
    if (typeof file === 'number') return refuse(throwing, startResponse, file);
    if (file.stat.isDirectory()) {
      release(file.handle);
      return serveDirectory(path, target, environ, startResponse);
    }
    if (!file.stat.isFile() || target.slash) {
      // A device, a FIFO or a socket is not a file to serve; 'name.txt/' is not a directory.
      release(file.handle);
      return refuse(throwing, startResponse, 404);
    }
    return serve(path, target.segments[target.segments.length - 1]!, environ, startResponse, file);
  };
}
