/**
 * The maker of one route's `wsgiorg.routing_args`: `[positional, named]` straight from
 * the offsets `Matcher.lookup` leaves, as one pre-shaped object per route.
 *
 * Why: a params object filled key by key (`named[names[i]] = value`) goes through one
 * store site for every route, so V8 sees dozens of shapes there and falls back to its
 * megamorphic store, a transition lookup per key (measured: about 200 instructions a
 * param, a third of a 3-param dispatch; bench/router/cost.ts). An object literal with
 * the route's own keys is allocated from a boilerplate with its final shape, and the
 * handler's `const { id } = named` then sees one shape per route. So the maker is
 * generated per route, as find-my-way does for its params: the names are checked
 * identifiers (pattern.ts), written as JSON strings, and never a value.
 *
 * Where code generation is refused (Cloudflare Workers, a CSP without
 * 'unsafe-eval'), the maker is a loop over the names, the same result a bit slower.
 * Values here are taken as they are: the router calls the maker only when every param
 * is ASCII without `%` (`plainSpans`), and decodes the rest itself.
 *
 * @example
 * const make = argsFactory(['owner', 'repo']);
 * make('/repos/a/b', [7, 8, 9, 10]); // [[], { owner: 'a', repo: 'b' }]
 * @see https://wsgi.readthedocs.io/en/latest/specifications/routing_args.html
 * @module
 */

/** `[positional, named]` for one route from the path and its param offsets. */
export type ArgsFactory = (path: string, bounds: readonly number[]) => [string[], Record<string, string>];

/** The maker for a route whose params are `names` (a wildcard named `'*'` is positional). */
export function argsFactory(names: readonly string[]): ArgsFactory {
  try {
    return compiled(names);
  } catch {
    return looped(names);
  }
}

function compiled(names: readonly string[]): ArgsFactory {
  const value = (i: number) => `path.slice(bounds[${2 * i}], bounds[${2 * i + 1}])`;
  const positional: string[] = [];
  const named: string[] = [];
  names.forEach((name, i) => {
    if (name === '*') positional.push(value(i));
    else named.push(`${JSON.stringify(name)}: ${value(i)}`);
  });
  const body = `'use strict'; return function routingArgs(path, bounds) { return [[${positional.join(', ')}], { ${named.join(', ')} }]; };`;
  // Generated on purpose (see the module comment): one object shape per route.
  return new Function(body)() as ArgsFactory;
}

function looped(names: readonly string[]): ArgsFactory {
  return function routingArgs(path, bounds) {
    const positional: string[] = [];
    const named: Record<string, string> = {};
    for (let i = 0; i < names.length; i++) {
      const value = path.slice(bounds[2 * i]!, bounds[2 * i + 1]!);
      if (names[i] === '*') positional.push(value);
      else named[names[i]!] = value;
    }
    return [positional, named];
  };
}

/**
 * Whether the first `count` params (offsets in `bounds`) are ASCII without `%`: the
 * usual case, whose values need neither UTF-8 decoding nor a look at the raw target.
 */
export function plainSpans(path: string, bounds: readonly number[], count: number): boolean {
  for (let i = 0; i < count; i++) {
    const end = bounds[2 * i + 1]!;
    for (let j = bounds[2 * i]!; j < end; j++) {
      const code = path.charCodeAt(j);
      if (code >= 0x80 || code === 37) return false;
    }
  }
  return true;
}
