/**
 * `rateLimit(options)`: counts each request against a quota of `limit` units per
 * `window` ms for its key (the client address by default), as rack-attack's
 * throttles and express-rate-limit do. A request over the quota gets
 * `429 Too Many Requests` with `Retry-After`, built here without calling the app (or
 * thrown as an `HttpError`, or answered by your `handler`); one within it reaches the
 * app, and its response gets the RateLimit fields of the IETF draft on the way out,
 * added by core's response wrapper to the head the app passes to startResponse (a
 * head-only hook: the app's body is handed up untouched).
 *
 * The store does the counting, atomically, in one call per request: in memory by
 * default, in the `tsgi` CLI's primary with `clusterStore()`. A store that fails or
 * hangs costs at most `storeTimeout` ms: the request passes uncounted or gets a 503
 * (`onStoreError`), and the outage is logged once to `wsgi.errors`.
 *
 * Put it high in the stack, below `proxyFix()` (so `REMOTE_ADDR` is the client, not
 * the proxy) and the access log (so refusals are logged), above everything costly:
 * a refused request should cost as little as possible. To count users, put it below
 * the auth middleware and key on `REMOTE_USER`.
 *
 * @example
 * const app = compose(proxyFix({ trustedProxies: ['10.0.0.1'] }), accessLog(), rateLimit({ limit: 100, window: 60_000 }))(api);
 * const perUser = rateLimit({ name: 'per-user', limit: 1000, window: 3_600_000, key: (environ) => environ.REMOTE_USER ?? '' });
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4 (429 Too Many Requests)
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/11/
 * @module
 */
import { isPromise, wrapResponse, type Application, type Body, type Environ, type Middleware, type StartResponse } from '@tsgi/core';
import type { RateLimitInfo } from './headers.js';
import { resolveOptions, type RateLimitOptions } from './options.js';
import { handlerHooks, quotaHooks, storeUnavailable, storeUnavailableError, tooManyRequests, tooManyRequestsError } from './refusal.js';
import type { HitResult } from './store.js';
import { log, StoreOutage } from './store-outage.js';

/** The environ key under which the app below (and `handler`) finds the request's {@link RateLimitInfo}. */
export const RATE_LIMIT_KEY = 'tsgi.rate_limit';

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function isHitResult(value: unknown): value is HitResult {
  return typeof value === 'object' && value !== null && typeof (value as HitResult).allowed === 'boolean';
}

export function rateLimit(options: RateLimitOptions = {}): Middleware {
  const config = resolveOptions(options);
  const { policy, store, headers: plan, skip, handler, throwHttpErrors, onStoreError, key: keyOf, cost } = config;
  const outage = new StoreOutage(onStoreError, config.storeTimeout);
  const hooks = quotaHooks(plan);
  const refusalHooks = handlerHooks(plan);
  let warned = false;

  function costOf(environ: Environ): number {
    if (typeof cost === 'number') return cost;
    const units = cost(environ);
    if (typeof units !== 'number' || !Number.isSafeInteger(units) || units < 0) {
      throw new TypeError(`rateLimit: cost(environ) must return a non-negative integer, got ${show(units)}`);
    }
    return units;
  }

  /** Once, at the first request: what the store has to say about where it runs. */
  function warnOnce(environ: Environ): void {
    warned = true;
    let warning: string | undefined;
    try {
      warning = store.warning?.();
    } catch (error) {
      warning = `the store's warning() threw: ${String(error)}`;
    }
    if (warning !== undefined) log(environ, `rateLimit (policy "${policy.name}"): ${warning}`);
  }

  return function rateLimitMiddleware(app: Application): Application {
    if (typeof app !== 'function') {
      throw new TypeError('rateLimit: the application to limit must be a function (environ, startResponse)');
    }

    function decide(result: unknown, key: string, units: number, now: number, environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      if (!isHitResult(result)) return failed(new TypeError(`the store answered ${show(result)}, not { allowed, remaining, resetAt, retryAt }`), environ, startResponse);
      outage.answered(environ);
      const info: RateLimitInfo = {
        name: policy.name,
        limit: policy.limit,
        window: policy.window,
        key,
        cost: units,
        now,
        allowed: result.allowed,
        remaining: result.remaining,
        resetAt: result.resetAt,
        retryAt: result.retryAt,
      };
      environ[RATE_LIMIT_KEY] = info;
      if (info.allowed) return plan.form === false ? app(environ, startResponse) : wrapResponse(app, environ, startResponse, hooks, info);
      if (throwHttpErrors) throw tooManyRequestsError(info, plan);
      if (handler !== undefined) return wrapResponse(handler, environ, startResponse, refusalHooks, info);
      return tooManyRequests(startResponse, info, plan);
    }

    function failed(error: unknown, environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      outage.failed(error, environ);
      if (onStoreError === 'open') return app(environ, startResponse);
      if (throwHttpErrors) throw storeUnavailableError(error);
      return storeUnavailable(startResponse);
    }

    return function rateLimitApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      if (skip !== undefined && skip(environ)) return app(environ, startResponse);
      if (!warned) warnOnce(environ);
      const key = keyOf(environ);
      if (typeof key !== 'string') throw new TypeError(`rateLimit: key(environ) must return a string, got ${show(key)}`);
      const units = costOf(environ);
      const now = Date.now();
      let answer: HitResult | Promise<HitResult>;
      try {
        answer = store.hit(key, units, now, policy);
      } catch (error) {
        return failed(error, environ, startResponse);
      }
      if (!isPromise(answer)) return decide(answer, key, units, now, environ, startResponse);
      return outage.within(answer).then(
        (result) => decide(result, key, units, now, environ, startResponse),
        (error: unknown) => failed(error, environ, startResponse),
      );
    };
  };
}
