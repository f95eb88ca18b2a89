import type { Application } from '@tsgi/core';
import { rateLimit } from '@tsgi/rate-limit';
import { redisSessionStore, redisStore } from '@tsgi/redis';
import { Redis } from 'ioredis';

const api: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [new TextEncoder().encode(`hello ${environ.REMOTE_ADDR}\n`)];
};

// One client per process. While Redis is down, a command fails at once (no offline
// queue) or after 500 ms (no answer), and ioredis reconnects by itself.
export const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  enableOfflineQueue: false,
  commandTimeout: 500,
  maxRetriesPerRequest: 1,
});

// 100 requests a minute per client, counted once for every worker and every machine.
export const app = rateLimit({ limit: 100, window: 60_000, store: redisStore(redis) })(api);

// Sessions in the same Redis: pass it to session({ store }) from @tsgi/session.
export const sessions = redisSessionStore(redis, { onOutage: (event) => console.error('redis sessions:', event.type) });
