/**
 * One row of rows.ts, alone in its process, for instructions.bench.ts to run under
 * callgrind: `node one-row.js <row> <warm-up requests> <requests>`. Prints nothing.
 */
import { ROWS, runRequests, stopSdk } from './rows.js';

const [name, warm, count] = process.argv.slice(2);
const row = ROWS.find((r) => r.name === name);
if (row === undefined) throw new TypeError(`unknown row ${JSON.stringify(name)}`);
const request = row.make();
await runRequests(request, Number(warm));
await runRequests(request, Number(count));
await stopSdk();
