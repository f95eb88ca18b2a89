/**
 * Renders bench results (bench/results/latest.json) as Markdown tables and as an SVG
 * bar chart. Pure functions of the results, so the report is tested without a run.
 */

export interface RowJson {
  id: string;
  medianRps: number;
  spread: number;
  medianP99: number;
  /** To the scenario's node:http row. */
  ratio: number;
  /** To the scenario's tsgi row. */
  ratioToTsgi: number;
  cpuPerRequest?: number;
  cpuRatio?: number;
  errors?: number;
  non2xx?: number;
}

export interface ScenarioJson {
  scenario: string;
  title?: string;
  what?: string;
  date?: string;
  config?: { duration: number; warmup: number; rounds: number; connections: number; pipelining: number };
  loadavg?: { before: number[]; after: number[] };
  baseline?: string;
  tsgi?: string;
  results?: RowJson[];
  goals?: Array<{ text: string; ratio: number; cpuRatio?: number; min: number; met: boolean }>;
  command?: string;
}

interface RouterResult {
  router: string;
  routes: number;
  mixedOpsPerSec: number;
  staticOpsPerSec: number;
}

/** One request class of bench/router/dispatch.ts: router() against find-my-way's lookup(). */
interface DispatchResult {
  class: string;
  requests: number;
  tsgiOpsPerSec: number;
  findMyWayOpsPerSec: number;
  ratio: number;
}

/** What bench/router/router.bench.ts writes (bench/results/router.json). */
export interface RouterJson {
  scenario: 'router';
  results?: RouterResult[];
  dispatch?: DispatchResult[];
}

export interface Latest {
  machine: { cpu: string; cores: number; node: string; platform: string; pinned: boolean };
  command: string;
  date: string;
  scenarios: Record<string, ScenarioJson | RouterJson>;
}

const fixed = (n: number | undefined, digits: number): string => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));
const ratio = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '-' : `${n.toFixed(2)}x`);

function scenarioTable(s: ScenarioJson): string {
  const lines = [
    `### ${s.title ?? s.scenario} (\`${s.scenario}\`)`,
    '',
    s.what ?? '',
    '',
    `${s.config ? `${s.config.rounds} rounds x ${s.config.duration} s, ${s.config.connections} connections` : ''}${s.loadavg ? `, load average ${s.loadavg.before.map((n) => n.toFixed(1)).join(' ')} before` : ''}${s.command ? `; \`${s.command}\`` : ''}.`,
    '',
    '| target | req/s (median) | spread | p99 ms | vs node:http | vs tsgi | server CPU us/req | vs node:http by CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of s.results ?? []) {
    const flags = (r.errors ?? 0) + (r.non2xx ?? 0) > 0 ? ` (${r.errors ?? 0} errors, ${r.non2xx ?? 0} non-2xx)` : '';
    lines.push(
      `| ${r.id}${flags} | ${Math.round(r.medianRps)} | ${fixed(r.spread * 100, 1)}% | ${r.medianP99} | ${ratio(r.ratio)} | ${ratio(r.ratioToTsgi)} | ${fixed(r.cpuPerRequest, 1)} | ${ratio(r.cpuRatio)} |`,
    );
  }
  if (s.goals?.length) {
    lines.push('', '| target | by req/s | by CPU per request | goal |', '|---|---:|---:|---|');
    for (const g of s.goals) lines.push(`| ${g.text} | ${ratio(g.ratio)} | ${ratio(g.cpuRatio)} | ${g.met ? 'met' : '**missed**'} |`);
  }
  return lines.join('\n') + '\n';
}

function routerTable(s: RouterJson): string {
  const results = s.results ?? [];
  const lines = [
    '### Router lookup (`router`)',
    '',
    'bench/router/router.bench.ts: each router\'s lookup function alone over the GitHub REST API route set (no HTTP).',
    '',
    '| router | routes | mixed lookups/s | static lookups/s |',
    '|---|---:|---:|---:|',
  ];
  for (const r of results) lines.push(`| ${r.router} | ${r.routes} | ${Math.round(r.mixedOpsPerSec)} | ${Math.round(r.staticOpsPerSec)} |`);
  if (s.dispatch?.length) {
    lines.push(
      '',
      'Dispatch through the public API (bench/router/dispatch.ts): `router()` called with a fresh environ per request, its handler reading `routingArgs`, against find-my-way\'s `lookup(req, res)`; a 405 also builds `Allow`, find-my-way\'s miss does not. The ratio is the median of rounds run in turn.',
      '',
      '| request class | requests | tsgi router() dispatches/s | find-my-way lookup()/s | ratio |',
      '|---|---:|---:|---:|---:|',
    );
    for (const d of s.dispatch) lines.push(`| ${d.class} | ${d.requests} | ${Math.round(d.tsgiOpsPerSec)} | ${Math.round(d.findMyWayOpsPerSec)} | ${ratio(d.ratio)} |`);
  }
  return lines.join('\n') + '\n';
}

const ORDER = ['hello', 'stack', 'gzip-10k', 'gzip-small', 'gzip-1mb', 'logger', 'wrap', 'router'];
const ordered = (latest: Latest): string[] =>
  Object.keys(latest.scenarios).sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));

/**
 * Ends each scenario's generated part in docs/benchmarks.md: what follows it, up to the
 * next scenario's heading, is that scenario's notes, which bench/report.ts keeps.
 */
export const NOTES_MARK = '<!-- notes: kept by bench/report.ts -->';

export function renderMarkdown(latest: Latest): string {
  const m = latest.machine;
  const parts = [
    `Machine: ${m.cpu}, ${m.cores} cores, node ${m.node}, ${m.platform}; ${m.pinned ? 'servers pinned to one core, autocannon to another' : 'not pinned (no taskset)'}. Last run ${latest.date}, \`${latest.command}\`.`,
    '',
    '![req/s as a ratio to node:http, per scenario](benchmarks.svg)',
    '',
  ];
  for (const name of ordered(latest)) {
    const s = latest.scenarios[name]!;
    parts.push(s.scenario === 'router' ? routerTable(s as RouterJson) : scenarioTable(s as ScenarioJson), NOTES_MARK, '');
  }
  return parts.join('\n');
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One group of horizontal bars per scenario: each row's req/s ratio to node:http, with a line at 1.00x. */
export function renderSvg(latest: Latest): string {
  const groups = ordered(latest)
    .map((name) => latest.scenarios[name]!)
    .filter((s): s is ScenarioJson => s.scenario !== 'router');
  const left = 190;
  const barMax = 420;
  const rowHeight = 18;
  const width = left + barMax + 70;
  const maxRatio = Math.max(1.25, ...groups.flatMap((g) => (g.results ?? []).map((r) => (Number.isFinite(r.ratio) ? r.ratio : 0))));
  const scale = barMax / maxRatio;
  const out: string[] = [];
  let y = 30;
  for (const g of groups) {
    out.push(`<text x="8" y="${y + 12}" font-weight="bold">${escape(g.title ?? g.scenario)} (${escape(g.scenario)})</text>`);
    y += 20;
    for (const r of g.results ?? []) {
      const w = Number.isFinite(r.ratio) ? Math.max(1, r.ratio * scale) : 0;
      const fill = r.id === g.tsgi || r.id.startsWith('tsgi') ? '#2f7ed8' : r.id === g.baseline ? '#777' : '#c8a040';
      out.push(`<text x="${left - 6}" y="${y + 13}" text-anchor="end">${escape(r.id)}</text>`);
      out.push(`<rect x="${left}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowHeight - 4}" fill="${fill}"/>`);
      out.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + 13}">${ratio(r.ratio)}</text>`);
      y += rowHeight;
    }
    y += 10;
  }
  const one = left + scale;
  const height = y + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="16" font-size="13">req/s as a ratio to node:http of the same scenario, same run (node ${escape(latest.machine.node)}, ${escape(latest.date.slice(0, 10))})</text>`,
    ...out,
    `<line x1="${one.toFixed(1)}" y1="24" x2="${one.toFixed(1)}" y2="${y}" stroke="#000" stroke-dasharray="3,3"/>`,
    `<text x="${one.toFixed(1)}" y="${y + 14}" text-anchor="middle">1.00x</text>`,
    '</svg>',
    '',
  ].join('\n');
}
