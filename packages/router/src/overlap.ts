/**
 * Which route patterns can answer the same path, worked out from the patterns alone,
 * so a 405 does not have to search the tree for every route that answers its path.
 *
 * A pattern is seen as its segments (`/repos/:owner/issues` is `repos`, a param,
 * `issues`) and maybe a final wildcard. Two questions, both answered at build time:
 * - `mayOverlap(a, b)`: can one path match both? Never `false` when the answer is yes
 *   (two params are assumed to share values; a constraint is tested only on static text).
 * - `covers(a, b)`: does `a` match every path `b` matches? Never `true` when it does not.
 *
 * When every pattern that may overlap a route table's pattern covers it, the methods
 * answered at any path the table answers are the same: its own and theirs. The matcher
 * (matcher.ts) keeps them on the table (radix-node.ts), and a walk that misses the
 * method there answers the 405 at once, with that `Allow`.
 *
 * @example
 * const a = shapeOf(parsePattern('/users/:id')), b = shapeOf(parsePattern('/users/new'));
 * mayOverlap(a, b); // true
 * covers(a, b); // true: `/users/new` is one of the paths `/users/:id` matches
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.1 (Allow)
 * @module
 */
import type { Token } from './pattern.js';

/** One segment: its static text, or a param (with its constraint, `null` for none). */
export type Segment = StaticSegment | ParamSegment;
interface StaticSegment {
  readonly text: string;
}
interface ParamSegment {
  readonly constraint: RegExp | null;
  readonly source: string;
}

/** A pattern's segments; `wild` when a wildcard follows them (matching the rest, even empty). */
export interface Shape {
  readonly segments: readonly Segment[];
  readonly wild: boolean;
}

/** The shape of a parsed pattern (parsePattern's tokens: params and a wildcard start segments). */
export function shapeOf(tokens: readonly Token[]): Shape {
  const segments: Segment[] = [];
  let text = ''; // the segment being built, before the pattern's leading '/'
  let started = false;
  let wild = false;
  for (const token of tokens) {
    if (token.kind === 'static') {
      const parts = token.text.split('/');
      text += parts[0];
      for (let i = 1; i < parts.length; i++) {
        if (started) segments.push({ text });
        started = true;
        text = parts[i]!;
      }
    } else if (token.kind === 'param') {
      segments.push({ constraint: token.constraint, source: token.source });
      started = false; // the param is the whole segment: the next static starts with '/'
      text = '';
    } else {
      wild = true;
      started = false;
    }
  }
  if (started) segments.push({ text });
  return { segments, wild };
}

const isStatic = (s: Segment): s is StaticSegment => 'text' in s;

/** Whether one path segment can match both (conservative: true unless it surely cannot). */
function segmentsMeet(a: Segment, b: Segment): boolean {
  if (isStatic(a)) return isStatic(b) ? a.text === b.text : admits(b, a.text);
  return isStatic(b) ? admits(a, b.text) : true;
}

/** Whether a param segment takes this static text (never an empty one). */
function admits(param: ParamSegment, text: string): boolean {
  return text !== '' && (param.constraint === null || param.constraint.test(text));
}

/** Whether `outer` takes every value `inner` takes. */
function segmentCovers(outer: Segment, inner: Segment): boolean {
  if (isStatic(outer)) return isStatic(inner) && inner.text === outer.text;
  if (isStatic(inner)) return admits(outer, inner.text);
  return outer.constraint === null || outer.source === inner.source;
}

/** Whether some path may match both shapes (true when unsure). */
export function mayOverlap(a: Shape, b: Shape): boolean {
  const shared = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < shared; i++) if (!segmentsMeet(a.segments[i]!, b.segments[i]!)) return false;
  // A wildcard after k segments matches paths of more than k: the shorter must be wild.
  if (a.segments.length === b.segments.length) return a.wild === b.wild;
  return a.segments.length < b.segments.length ? a.wild : b.wild;
}

/** Whether every path `inner` matches, `outer` matches too (false when unsure). */
export function covers(outer: Shape, inner: Shape): boolean {
  const count = outer.segments.length;
  const length = inner.segments.length;
  // A wildcard after k segments needs a (k+1)th, even empty; a wild inner has paths of any length.
  if (outer.wild ? (inner.wild ? length < count : length <= count) : inner.wild || length !== count) return false;
  for (let i = 0; i < count; i++) if (!segmentCovers(outer.segments[i]!, inner.segments[i]!)) return false;
  return true;
}
