/**
 * The `Allow` header of a 405 (and of the router's own OPTIONS answer): every method
 * the routes at a path answer, HEAD with GET, OPTIONS always, in a stable order.
 *
 * A path usually ends at one route table, or the matcher hands over one table whose
 * `everywhere()` holds every method answered at the path (the other patterns that
 * answer it answer all its paths); its header is made once and kept on the table.
 * Else the tables of every pattern that answers the path come: mostly one of them
 * holds every method the others have, whose header serves; only a true union of
 * methods is built each time.
 *
 * @example
 * allowOf([table]); // 'GET, HEAD, DELETE, OPTIONS' for a table with GET and DELETE
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.1 (Allow)
 * @module
 */
import type { Table } from './radix-node.js';

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** `Allow` for the methods of `tables` (at least one). */
export function allowOf<T>(tables: ReadonlyArray<Table<T>>): string {
  const widest = tables.length === 1 ? tables[0]! : covering(tables);
  if (widest !== null) {
    // `everywhere()` first: it drops a header made before routes were added.
    const exact = widest.everywhere();
    return (widest.allow ??= allowHeader(exact ?? widest.keys()));
  }
  const methods = new Set<string>();
  for (const table of tables) for (const method of table.keys()) methods.add(method);
  return allowHeader(methods);
}

/** The table that has every method any of `tables` has, if there is one. */
function covering<T>(tables: ReadonlyArray<Table<T>>): Table<T> | null {
  let widest = tables[0]!;
  for (let i = 1; i < tables.length; i++) if (tables[i]!.size > widest.size) widest = tables[i]!;
  for (const table of tables) {
    if (table === widest) continue;
    for (const method of table.keys()) if (!widest.has(method)) return null;
  }
  return widest;
}

function allowHeader(methods: Iterable<string>): string {
  const all = new Set(methods);
  if (all.has('GET')) all.add('HEAD');
  all.add('OPTIONS');
  const known = METHOD_ORDER.filter((m) => all.has(m));
  const others = [...all].filter((m) => !METHOD_ORDER.includes(m)).sort();
  return known.concat(others).join(', ');
}
