import { join } from 'node:path';
import { compose, type Application } from '@tsgi/core';
import { gzip } from '@tsgi/gzip';
import { cascade, router, urlMap } from '@tsgi/router';
import { serve } from '@tsgi/server';
import { conditionalGet, etag, fileResponse, staticFiles, type FileResponseOptions } from '@tsgi/static';

const health: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [Buffer.from('{"ok":true}')];
};

// The SPA's page is revalidated on every visit (a cheap 304), so a deploy shows at once.
const SHELL: FileResponseOptions = { cacheControl: false, headers: [['Cache-Control', 'no-cache']] };

/** A single-page app built into `dist/`, its hashed assets, and a small API. */
export function spaSite(dist: string): Application {
  // dist/assets/app.3f9a1c.js: the name changes with the content, so cache it for a
  // year and never ask again; serve the .br/.gz the build made beside each file.
  const assets = staticFiles({ root: join(dist, 'assets'), immutable: true, precompressed: true });
  // dist/robots.txt, dist/favicon.ico: stable names, cached a minute, then revalidated.
  const files = staticFiles({ root: dist, maxAge: 60, index: false });
  // Any other path is a route of the app itself: answer with its index.html.
  const shell: Application = (environ, startResponse) =>
    fileResponse(join(dist, 'index.html'), environ, startResponse, SHELL);
  const api = router().get('/health', health);

  // A missing /assets/x.js stays a 404 (never HTML served as script); the rest falls
  // through the public files to the shell. gzip() compresses the API and any text
  // file without a sibling; conditionalGet() and etag() give the API its 304s.
  return compose(gzip(), conditionalGet(), etag())(
    urlMap({ '/assets': assets, '/api': api, '/': cascade([files, shell]) }),
  );
}

if (process.argv[1]?.endsWith('guide-static.ts')) {
  const dist = process.argv[2] ?? 'dist';
  void serve(spaSite(dist), { port: 8000 }).then(({ url }) => console.log(`serving ${dist} on ${url}`));
}
