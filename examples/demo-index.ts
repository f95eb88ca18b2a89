/**
 * The demo's index page at `/`: every route of the demo with a link and one line on
 * what it shows, as a small HTML page for browsers and as plain text for
 * `Accept: text/plain` (and curl's `*\/*`), so a newcomer can explore from the
 * first URL the demo prints.
 *
 * @example
 * const index = indexPage(DEMO_ROUTES); // an Application for GET /
 * @module
 */
import type { Application } from '@tsgi/core';

export interface DemoRoute {
  method: 'GET' | 'POST';
  /** The route as the router has it (`/hello/:name`). */
  path: string;
  /** A URL to follow for GET routes (`/hello/Ada`); POST routes show a curl line instead. */
  link: string;
  /** One line: what the route shows about tsgi. */
  what: string;
}

export const DEMO_ROUTES: readonly DemoRoute[] = [
  { method: 'GET', path: '/', link: '/', what: 'this page: HTML for browsers, plain text for Accept: text/plain' },
  { method: 'GET', path: '/hello', link: '/hello', what: 'hello world: an array body, one write with a Content-Length' },
  { method: 'GET', path: '/hello/:name', link: '/hello/Ada', what: 'a router parameter, read back with routingArgs()' },
  { method: 'GET', path: '/stream', link: '/stream', what: 'an async generator: chunked, one line every 200 ms' },
  { method: 'POST', path: '/echo', link: '/echo', what: 'streams the request body back (wsgi.input as an async iterable)' },
  { method: 'GET', path: '/environ', link: '/environ?x=1', what: 'the environ of this request as JSON' },
  { method: 'GET', path: '/items', link: '/items', what: '16 KB of JSON, gzip-compressed when the client accepts it' },
  { method: 'GET', path: '/latin', link: '/latin', what: "PEP 3333's Latinator middleware over simple_app" },
  { method: 'GET', path: '/class', link: '/class', what: "PEP 3333's AppClass: a class as the application" },
  { method: 'GET', path: '/admin', link: '/admin', what: 'behind Basic auth (alice / wonderland), mounted with urlMap' },
];

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function html(routes: readonly DemoRoute[]): Buffer {
  const rows = routes
    .map((r) => {
      const target =
        r.method === 'GET'
          ? `<a href="${escapeHtml(r.link)}">${escapeHtml(r.path)}</a>`
          : `${escapeHtml(r.path)} <code>curl -d hello URL${escapeHtml(r.link)}</code>`;
      return `<tr><td>${r.method}</td><td>${target}</td><td>${escapeHtml(r.what)}</td></tr>`;
    })
    .join('\n');
  return Buffer.from(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tsgi demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2em auto;max-width:52em;padding:0 1em}td{padding:.2em .8em;vertical-align:top}code{background:#eee;padding:0 .3em}</style>
</head><body>
<h1>tsgi demo</h1>
<p>Each route shows one path through the tsgi gateway and its middleware. Source: <code>examples/demo.ts</code>.</p>
<table>
${rows}
</table>
</body></html>
`);
}

function text(routes: readonly DemoRoute[]): Buffer {
  const width = Math.max(...routes.map((r) => r.path.length));
  const lines = routes.map((r) => `${r.method.padEnd(4)} ${r.path.padEnd(width)}  ${r.what}`);
  return Buffer.from(`tsgi demo: the routes\n\n${lines.join('\n')}\n`);
}

/** `GET /`: the route list, as HTML when the client asks for it, else as plain text. */
export function indexPage(routes: readonly DemoRoute[]): Application {
  // Built once: both answers are the same bytes for every request.
  const pages = { html: html(routes), text: text(routes) };
  return function demoIndex(environ, startResponse) {
    const wantsHtml = /\btext\/html\b/i.test(environ.HTTP_ACCEPT ?? '');
    startResponse('200 OK', [
      ['Content-Type', wantsHtml ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8'],
      ['Vary', 'Accept'],
    ]);
    return [wantsHtml ? pages.html : pages.text];
  };
}
