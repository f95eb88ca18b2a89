/**
 * The app's response headers with the security headers put in: a new list (the app's
 * list and pairs are never edited; an app may answer every request with one constant
 * list). Headers in `removeHeaders` are taken off the app's; a header the app set
 * itself wins over ours unless `overwrite` (helmet sets its headers before the app
 * runs, so there too an app's own `res.setHeader` wins). Costs one pass over the app's
 * headers and one array when none of them is ours: a name is lower-cased only the
 * first time it is seen (apps send the same few names), and most names are ruled out
 * by their length alone.
 *
 * @example
 * const merge = headerMerger(resolved);
 * head.headers = merge(head.headers, resolved.https);
 * @module
 */
import { appendHeaders, type ResponseHeaders } from '@tsgi/core';
import type { ResolvedOptions } from './options.js';

/** Header names whose verdict is kept per instance. */
const KEPT_VERDICTS = 256;

export type HeaderMerge = (app: ResponseHeaders, ours: ResponseHeaders) => ResponseHeaders;

export function headerMerger(options: ResolvedOptions): HeaderMerge {
  const { remove, overwrite } = options;
  // Every name this instance may send or remove, and their lengths: most of the app's
  // headers are ruled out by length alone, without lower-casing.
  const ourNames = new Set([...options.https, ...options.http].map(([name]) => name.toLowerCase()));
  if (options.noncePolicy !== undefined) ourNames.add(options.noncePolicy.header.toLowerCase());
  const lengths = new Set([...ourNames, ...remove].map((name) => name.length));
  // Whether a name (as the app spells it) is one we send or remove; bounded, for an app that makes up names.
  const verdicts = new Map<string, boolean>();

  function isOurs(name: string): boolean {
    let verdict = verdicts.get(name);
    if (verdict === undefined) {
      const lower = name.toLowerCase();
      verdict = remove.has(lower) || ourNames.has(lower);
      if (verdicts.size < KEPT_VERDICTS) verdicts.set(name, verdict);
    }
    return verdict;
  }

  function mergeSlowly(app: ResponseHeaders, ours: ResponseHeaders): ResponseHeaders {
    const sending = new Set(ours.map(([name]) => name.toLowerCase()));
    let kept: Set<string> | undefined;
    const out: ResponseHeaders = [];
    for (const pair of app) {
      const lower = lengths.has(pair[0].length) ? pair[0].toLowerCase() : '';
      if (remove.has(lower)) continue;
      if (sending.has(lower)) {
        if (overwrite) continue;
        (kept ??= new Set()).add(lower);
      }
      out.push(pair);
    }
    for (const pair of ours) if (kept === undefined || !kept.has(pair[0].toLowerCase())) out.push(pair);
    return out;
  }

  return function mergeSecureHeaders(app, sent) {
    for (let i = 0; i < app.length; i++) {
      const name = app[i]![0];
      if (lengths.has(name.length) && isOurs(name)) return mergeSlowly(app, sent);
    }
    return appendHeaders(app, sent);
  };
}
