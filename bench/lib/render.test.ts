import { renderMarkdown, renderSvg, type Latest } from './render.js';

const latest: Latest = {
  machine: { cpu: 'Test CPU', cores: 2, node: 'v20.0.0', platform: 'linux x64', pinned: true },
  command: 'BENCH_DURATION=1 pnpm bench',
  date: '2026-01-02T03:04:05.000Z',
  scenarios: {
    stack: {
      scenario: 'stack',
      title: 'Realistic stack',
      what: 'log + gzip + auth + router',
      baseline: 'raw-node',
      tsgi: 'tsgi',
      results: [
        { id: 'raw-node', medianRps: 1000, spread: 0.05, medianP99: 9, ratio: 1, ratioToTsgi: 1.25, cpuPerRequest: 80, cpuRatio: 1 },
        { id: 'tsgi', medianRps: 800, spread: 0.1, medianP99: 10, ratio: 0.8, ratioToTsgi: 1, cpuPerRequest: 100, cpuRatio: 0.8 },
        { id: 'a<b', medianRps: 2000, spread: 0, medianP99: 5, ratio: 2, ratioToTsgi: 2.5, errors: 3, non2xx: 0 },
      ],
      goals: [{ text: 'tsgi >= 1.2x fastify', ratio: 0.9, cpuRatio: 0.95, min: 1.2, met: false }],
    },
    hello: { scenario: 'hello', results: [{ id: 'raw-node', medianRps: 5, spread: 0, medianP99: 1, ratio: 1, ratioToTsgi: Number.NaN }] },
    router: {
      scenario: 'router',
      results: [{ router: 'tsgi Matcher', routes: 263, mixedOpsPerSec: 5e6, staticOpsPerSec: 4.9e7 }],
      dispatch: [{ class: '405', requests: 125, tsgiOpsPerSec: 2e6, findMyWayOpsPerSec: 4e6, ratio: 0.5 }],
    },
  },
};

test('Markdown: scenarios in suite order, one row per target with ratios, goals marked, router table', () => {
  const md = renderMarkdown(latest);
  expect(md.indexOf('(`hello`)')).toBeLessThan(md.indexOf('(`stack`)'));
  expect(md.indexOf('(`stack`)')).toBeLessThan(md.indexOf('(`router`)'));
  expect(md).toContain('| tsgi | 800 | 10.0% | 10 | 0.80x | 1.00x | 100.0 | 0.80x |');
  expect(md).toContain('| a<b (3 errors, 0 non-2xx) | 2000 |');
  expect(md).toContain('| raw-node | 5 | 0.0% | 1 | 1.00x | - | - | - |');
  expect(md).toContain('| tsgi >= 1.2x fastify | 0.90x | 0.95x | **missed** |');
  expect(md).toContain('| tsgi Matcher | 263 | 5000000 | 49000000 |');
  expect(md).toContain('| 405 | 125 | 2000000 | 4000000 | 0.50x |');
  expect(md).toContain('Test CPU, 2 cores, node v20.0.0');
});

test('SVG: a bar per row, widths proportional to the ratio, text escaped, no router bars', () => {
  const svg = renderSvg(latest);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  const widths = [...svg.matchAll(/<rect x="190" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
  expect(widths).toHaveLength(4);
  // hello raw-node (1x), then stack: raw-node (1x), tsgi (0.8x), a<b (2x).
  expect(widths[2]! / widths[1]!).toBeCloseTo(0.8, 2);
  expect(widths[3]! / widths[1]!).toBeCloseTo(2, 2);
  expect(widths[0]).toBeCloseTo(widths[1]!, 5);
  expect(svg).toContain('>a&lt;b<');
  expect(svg).not.toContain('Matcher');
});
