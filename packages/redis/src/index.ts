export { redisStore, type RedisRateLimitStore, type HitResult, type RateLimitPolicy } from './rate-limit-store.js';
export { redisSessionStore, TOMBSTONE, TOMBSTONE_MIN_MS, type SessionData, type SessionStore } from './session-store.js';
export type { RedisClient } from './client.js';
export { DEFAULTS, type RedisStoreOptions } from './options.js';
export { RedisStoreError, type OutageEvent } from './outage.js';
export { EXPIRY_SLACK_MS } from './rate-limit-script.js';
