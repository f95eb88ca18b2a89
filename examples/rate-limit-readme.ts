import { compose, type Application } from '@tsgi/core';
import { proxyFix } from '@tsgi/proxy-fix';
import { clusterStore, rateLimit } from '@tsgi/rate-limit';

const api: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [new TextEncoder().encode(`hello ${environ.REMOTE_ADDR}\n`)];
};

// 100 requests a minute per client, counted once for all workers of `tsgi serve --workers N`
// (in this process's memory when served any other way); nginx in front sets X-Forwarded-For.
export const app = compose(
  proxyFix({ trustedProxies: ['127.0.0.1'] }),
  rateLimit({ limit: 100, window: 60_000, store: clusterStore() }),
)(api);
