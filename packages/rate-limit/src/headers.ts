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

/** What the fields need that is known at factory time. */
export interface HeaderPlan {
  form: HeaderForm;
  /** The RateLimit-Policy item. */
  policy: string;
  /** The RateLimit-Policy field, the same pair for every response. */
  policyPair: readonly [string, string];
  /** The RateLimit item up to its parameters: the policy name as an sf-string and `;r=`. */
  remainingPrefix: string;
  /** The legacy RateLimit-Limit field, the same pair for every response. */
  limitPair: readonly [string, string];
}

export function headerPlan(form: HeaderForm, name: string, limit: number, window: number): HeaderPlan {
  const policy = policyField(name, limit, window);
  return { form, policy, policyPair: ['RateLimit-Policy', policy], remainingPrefix: `${sfString(name)};r=`, limitPair: ['RateLimit-Limit', String(limit)] };
}

/**
 * A copy of `headers` with `room` empty places at the end, filled by index: several
 * times faster in V8 than a spread (an iterator) or `concat` for a response's few pairs.
 */
function copyWithRoom(headers: ResponseHeaders, room: number): ResponseHeaders {
  const out = new Array<[string, string]>(headers.length + room);
  for (let i = 0; i < headers.length; i++) out[i] = headers[i]!;
  return out;
}

/**
 * `headers` with the RateLimit fields added (a new array: the app's own may be a
 * constant it reuses), or `headers` itself when there is nothing to add.
 */
export function withQuotaHeaders(headers: ResponseHeaders, info: RateLimitInfo, plan: HeaderPlan): ResponseHeaders {
  if (plan.form === 'draft-8') {
    const out = copyWithRoom(headers, 2);
    out[headers.length] = plan.policyPair as [string, string];
    out[headers.length + 1] = ['RateLimit', plan.remainingPrefix + info.remaining + ';t=' + resetSeconds(info)];
    return out;
  }
  if (plan.form === 'legacy' && !hasHeader(headers, 'ratelimit-limit')) {
    const out = copyWithRoom(headers, 3);
    out[headers.length] = plan.limitPair as [string, string];
    out[headers.length + 1] = ['RateLimit-Remaining', String(info.remaining)];
    out[headers.length + 2] = ['RateLimit-Reset', String(resetSeconds(info))];
    return out;
  }
  return headers;
}
