/**
 * 1 GB through gzip() to a reader, reporting RSS growth (must stay under 50 MB).
 * Run: npx tsx --expose-gc packages/gzip/test/rss-soak.ts [bytes]
 */
import { soak } from './soak.js';

const total = Number(process.argv[2] ?? 1024 ** 3);
void soak({ total }).then((r) => {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(`${mb(r.received)} MB in ${r.seconds.toFixed(1)} s, RSS growth ${mb(r.rssGrowth)} MB`);
  if (r.received !== total || r.rssGrowth >= 50 * 1024 * 1024) process.exitCode = 1;
});
