/**
 * A long body through gzip() to a client that reads at its own pace, measuring the
 * server process's RSS growth and how far the app ever got ahead of the client.
 * Used by backpressure.test.ts (small sizes) and rss-soak.ts (1 GB).
 */
import type { Application } from '@tsgi/core';
import { serve } from '@tsgi/server';
import crypto from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';
import { gzip } from '../src/index.js';

export interface SoakOptions {
  /** Bytes the app yields in all. */
  total: number;
  /** Random (barely compressible) data instead of repeated text. */
  random?: boolean;
  /** Decoded bytes per second the client reads at most; Infinity reads as fast as it can. */
  readRate?: number;
  chunkSize?: number;
}

export interface SoakResult {
  received: number;
  rssGrowth: number;
  maxLead: number;
  seconds: number;
}

function fetchAll(url: string, _bytes: number, before: () => void): Promise<void> {
  before();
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
}

export async function soak({ total, random = false, readRate = Infinity, chunkSize = 64 * 1024 }: SoakOptions): Promise<SoakResult> {
  // One chunk, reused: the app itself holds no memory, so growth is gzip's and the gateway's.
  const chunk = random
    ? crypto.randomBytes(chunkSize)
    : Buffer.from('GET /index.html 200 1234 "Mozilla/5.0 (X11; Linux x86_64)"\n'.repeat(chunkSize / 32)).subarray(0, chunkSize);
  let produced = 0;
  let received = 0;
  let maxLead = 0;
  const app: Application = (_e, startResponse) => {
    async function* body() {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      while (produced < total) {
        produced += chunk.byteLength;
        yield chunk;
      }
    }
    return body();
  };
  // unlinted: this measures gzip's own RSS and speed; socket.test.ts runs gzip under lint.
  const server = await serve(gzip()(app), { port: 0 });
  // Warm up (JIT, zlib's native state, socket buffers) so the baseline is a running server's.
  await fetchAll(server.url, 16 * 1024 * 1024, () => (produced = total - 16 * 1024 * 1024));
  produced = 0;
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(server.url, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        const gunzip = zlib.createGunzip();
        res.pipe(gunzip);
        gunzip.on('data', (data: Buffer) => {
          received += data.byteLength;
          maxLead = Math.max(maxLead, produced - received);
          if (readRate < Infinity) {
            // Pace the reader: pause the socket side for as long as this chunk "took".
            res.pause();
            gunzip.pause();
            setTimeout(() => {
              gunzip.resume();
              res.resume();
            }, (data.byteLength / readRate) * 1000);
          }
        });
        gunzip.on('end', resolve);
        gunzip.on('error', reject);
      });
      req.on('error', reject);
    });
  } finally {
    clearInterval(sampler);
    await server.close();
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { received, rssGrowth: peak - baseline, maxLead, seconds: (performance.now() - started) / 1000 };
}
