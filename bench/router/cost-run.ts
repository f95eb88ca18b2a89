/**
 * One side of the dispatch benchmark run `count` times, for callgrind to count:
 * `node cost-run.mjs <tsgi|fmw> <class> <count>`. cost.ts runs it twice (a low and a
 * high count, after the same warm-up); the difference over the difference of counts
 * is the instructions of one dispatch, start-up and the JIT's one-time work left out.
 * Dispatchers and request classes are dispatch.ts's, so callgrind counts exactly
 * what `pnpm bench`'s router scenario times.
 */
import { DISPATCH_CLASSES, findMyWayDispatcher, tsgiDispatcher } from './dispatch.js';
import { githubRoutes } from './github-routes.js';

const [side, name, countText] = process.argv.slice(2);
const requests = DISPATCH_CLASSES[name!];
if (!requests || (side !== 'tsgi' && side !== 'fmw')) {
  throw new TypeError(`usage: cost-run <tsgi|fmw> <class> <count>; classes: ${Object.keys(DISPATCH_CLASSES).join(', ')}`);
}
const dispatch = side === 'tsgi' ? tsgiDispatcher(githubRoutes) : findMyWayDispatcher(githubRoutes);
const n = requests.length;
// The same warm-up for both counts: enough for V8 to optimise the dispatch path.
for (let i = 0; i < 100_000; i++) dispatch(requests[i % n]![0], requests[i % n]![1]);
const count = Number(countText);
for (let i = 0; i < count; i++) dispatch(requests[i % n]![0], requests[i % n]![1]);
