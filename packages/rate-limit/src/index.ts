export { rateLimit, RATE_LIMIT_KEY } from './rate-limit.js';
export { DEFAULTS, type RateLimitOptions } from './options.js';
export type { RateLimitInfo, HeaderForm } from './headers.js';
export type { Algorithm, HitResult, RateLimitPolicy, RateLimitStore } from './store.js';
export { memoryStore, MEMORY_DEFAULTS, type MemoryStoreOptions } from './memory-store.js';
export { clusterStore, type ClusterStoreOptions } from './cluster-store.js';
export { addressKey, clientAddress } from './client-address.js';
export { gcraHit, freshGcra, type GcraState } from './gcra.js';
export { slidingWindowHit, freshWindow, type WindowState } from './sliding-window.js';
