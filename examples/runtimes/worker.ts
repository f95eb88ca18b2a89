/**
 * The runtime-matrix app as a Cloudflare Worker: `toFetch` as the module's fetch
 * handler, access log through `console.log` (what `wrangler tail` shows). It runs with
 * and without `nodejs_compat`: without it, gzip compresses through CompressionStream
 * and basicAuth's HMAC is WebCrypto's. Bundle it (wrangler or esbuild) and deploy.
 * @module
 */
import { toFetch } from '@tsgi/fetch';
import { makeApp } from './app.js';

const app = makeApp({ write: (text: string) => console.log(text.endsWith('\n') ? text.slice(0, -1) : text) });

// REMOTE_ADDR: Cloudflare puts the client's address in CF-Connecting-IP.
export default {
  fetch: toFetch(app, { environ: (request) => ({ REMOTE_ADDR: request.headers.get('CF-Connecting-IP') ?? '' }) }),
};
