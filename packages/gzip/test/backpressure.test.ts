/**
 * Memory and backpressure over a real socket. The 1 GB run is test/rss-soak.ts
 * (about 4 s here, see the report); this suite runs 256 MB with the same bound, and
 * checks that a slow reader holds the app back instead of gzip buffering for it.
 */
import { soak } from './soak.js';

const MB = 1024 * 1024;

describe('gzip() under a long body', () => {
  it('streams 256 MB with RSS growth under 50 MB', async () => {
    const result = await soak({ total: 256 * MB });
    expect(result.received).toBe(256 * MB);
    expect(result.rssGrowth).toBeLessThan(50 * MB);
  });

  it('a slow reader holds the app back: it never gets more than a few MB ahead', async () => {
    // Random data barely compresses, so the socket fills and must push back through zlib.
    const result = await soak({ total: 12 * MB, random: true, readRate: 16 * MB });
    expect(result.received).toBe(12 * MB);
    // Without backpressure the app would finish at once, the whole 12 MB ahead of the reader.
    expect(result.seconds).toBeGreaterThan(0.5);
    expect(result.maxLead).toBeLessThan(8 * MB);
  });
});
