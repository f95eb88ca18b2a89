/**
 * The response fields that tell a client where it stands: `Retry-After` on a refusal
 * (RFC 9110 section 10.2.3, in seconds) and the RateLimit fields on every response
 * that was counted, in one of two forms:
 *
 * - `'draft-8'`: `RateLimit-Policy: "default";q=100;w=60` and
 *   `RateLimit: "default";r=42;t=17`, the Structured Field lists of
 *   draft-ietf-httpapi-ratelimit-headers since draft 08 (unchanged through draft 11,
 *   the text followed here). Appended, so several policies add up to one list.
 * - `'legacy'`: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (draft 06,
 *   express-rate-limit's `draft-6`), set only when the response has none yet.
 *
 * `r` is the units left; `t` the seconds until the quota is whole again, or on a
 * refusal the `Retry-After` seconds (the draft: Retry-After should not point before
 * the end of the effective window). Seconds are rounded up.
 *
 * @example
 * policyField('default', 100, 60_000); // '"default";q=100;w=60'
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/11/
 * @see https://www.rfc-editor.org/rfc/rfc9651#section-3.3.3 (sf-string)
 * @module
 */
import { hasHeader, type ResponseHeaders } from '@tsgi/core';
import { ceilDiv } from './integer.js';

export type HeaderForm = 'draft-8' | 'legacy' | false;

/** What `rateLimit()` found for a request; also `environ['tsgi.rate_limit']`. Times are epoch ms. */
export interface RateLimitInfo {
  /** The policy's name, limit (units) and window (ms). */
  name: string;
  limit: number;
  window: number;
  /** The key the request was counted under, and what it cost. */
  key: string;
  cost: number;
  /** When it was counted. */
  now: number;
  allowed: boolean;
  remaining: number;
  resetAt: number;
  /** When the same request would pass (`now` if it did; Infinity if it never can). */
  retryAt: number;
}

/** A policy name as an sf-string: quoted, `"` and `\` escaped (printable ASCII is checked at factory time). */
export function sfString(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/** The RateLimit-Policy item: the window in whole seconds, rounded up (the draft has no sub-second windows). */
export function policyField(name: string, limit: number, window: number): string {
  return `${sfString(name)};q=${limit};w=${ceilDiv(window, 1000)}`;
}

function seconds(ms: number): number {
  return ms <= 0 ? 0 : ceilDiv(ms, 1000);
}

/** `Retry-After` seconds for a refusal, at least 1; undefined when no wait helps. */
export function retryAfter(info: RateLimitInfo): number | undefined {
  return info.retryAt === Infinity ? undefined : Math.max(1, seconds(info.retryAt - info.now));
}

/** The `t` / `RateLimit-Reset` seconds. */
function resetSeconds(info: RateLimitInfo): number {
  return (info.allowed ? undefined : retryAfter(info)) ?? seconds(info.resetAt - info.now);
}

/**
 * What the fields need that is known at factory time, and the last field values made:
 * a client's next response usually says the same (the same units left and seconds,
 * or one unit fewer), so a value is built only when its numbers changed. Only strings
 * are kept, never a pair: a layer above may change a pair of the list in place.
 */
export class HeaderPlan {
  /** The RateLimit-Policy item. */
  readonly policy: string;
  /** The RateLimit-Policy field, the same pair for every response. */
  readonly policyPair: readonly [string, string];
  /** The RateLimit item up to its parameters: the policy name as an sf-string and `;r=`. */
  private readonly remainingPrefix: string;
  /** The legacy RateLimit-Limit field, the same pair for every response. */
  readonly limitPair: readonly [string, string];
  // The last RateLimit value and the numbers it was made of (-1: none yet).
  private lastRemaining = -1;
  private lastReset = -1;
  private lastValue = '';

  constructor(
    readonly form: HeaderForm,
    name: string,
    limit: number,
    window: number,
  ) {
    this.policy = policyField(name, limit, window);
    this.policyPair = ['RateLimit-Policy', this.policy];
    this.remainingPrefix = `${sfString(name)};r=`;
    this.limitPair = ['RateLimit-Limit', String(limit)];
  }

  /** The RateLimit item: `"name";r=<remaining>;t=<reset>`. */
  rateLimitValue(remaining: number, reset: number): string {
    if (remaining !== this.lastRemaining || reset !== this.lastReset) {
      this.lastValue = this.remainingPrefix + remaining + ';t=' + reset;
      this.lastRemaining = remaining;
      this.lastReset = reset;
    }
    return this.lastValue;
  }
}

export function headerPlan(form: HeaderForm, name: string, limit: number, window: number): HeaderPlan {
  return new HeaderPlan(form, name, limit, window);
}

/**
 * `headers` with the RateLimit fields added (a new list filled by index: the app's
 * own may be a constant it reuses), or `headers` itself when there is nothing to add.
 */
export function withQuotaHeaders(headers: ResponseHeaders, info: RateLimitInfo, plan: HeaderPlan): ResponseHeaders {
  const form = plan.form;
  if (form === false) return headers;
  const n = headers.length;
  if (form === 'draft-8') {
    const out = new Array<[string, string]>(n + 2);
    for (let i = 0; i < n; i++) out[i] = headers[i]!;
    out[n] = plan.policyPair as [string, string];
    out[n + 1] = ['RateLimit', plan.rateLimitValue(info.remaining, resetSeconds(info))];
    return out;
  }
  if (hasHeader(headers, 'ratelimit-limit')) return headers;
  const out = new Array<[string, string]>(n + 3);
  for (let i = 0; i < n; i++) out[i] = headers[i]!;
  out[n] = plan.limitPair as [string, string];
  out[n + 1] = ['RateLimit-Remaining', String(info.remaining)];
  out[n + 2] = ['RateLimit-Reset', String(resetSeconds(info))];
  return out;
}
