/**
 * The exception report as a page: HTML for a browser, plain text for a terminal.
 * The HTML is self-contained and inert: one inline `<style>` and no script, image,
 * font, link or form, so the page loads nothing and can run nothing. The
 * `Content-Security-Policy` sent with it allows exactly that style (by its SHA-256
 * hash) and nothing else, so even an error message that slipped past escaping could
 * not load or run anything.
 *
 * @example
 * const html = exceptionHtml(report); // headers: exceptionPageHeaders()
 *
 * @see https://www.w3.org/TR/CSP3/#grammardef-hash-source
 * @module
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from './html.js';
import type { ExceptionReport, ReportFrame, ReportedError } from './report.js';

const CSS = `
:root { color-scheme: light dark; --muted: #777; --line: rgba(127,127,127,.25); --hit: rgba(255,80,60,.18); }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; padding: 1.5rem 2rem; max-width: 80rem; }
header { border-bottom: 2px solid #c33; margin-bottom: 1rem; }
.status { color: #c33; font-weight: 600; margin: 0; }
h1 { font-size: 1.4rem; margin: .2rem 0 .6rem; word-break: break-word; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; word-break: break-word; }
code, pre, .where { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
ol.frames { list-style: none; padding: 0; margin: 0; }
.frame { border-top: 1px solid var(--line); padding: .35rem 0; }
.frame.lib { color: var(--muted); }
.fn { font-weight: 600; }
.mapped { color: var(--muted); font-style: italic; }
table.source { border-collapse: collapse; margin: .3rem 0 .2rem; width: 100%; }
table.source th { color: var(--muted); font-weight: normal; text-align: right; padding: 0 .6rem 0 0; width: 3rem; vertical-align: top; }
table.source td { padding: 0; }
table.source pre { margin: 0; white-space: pre-wrap; }
table.source tr.current { background: var(--hit); }
table.environ { border-collapse: collapse; }
table.environ th, table.environ td { text-align: left; vertical-align: top; padding: .15rem .8rem .15rem 0; border-top: 1px solid var(--line); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; word-break: break-all; }
footer { color: var(--muted); margin-top: 2rem; font-size: 12px; }
`;

let policy: string | undefined;

/** The page's Content-Security-Policy: its own inline style, nothing else. */
export function exceptionPagePolicy(): string {
  policy ??= `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  return policy;
}

function frameHtml(frame: ReportFrame): string {
  const source = frame.source;
  const fn = frame.function === undefined ? '' : `<span class="fn">${escapeHtml(frame.function)}</span> `;
  if (source === undefined) return `<li class="frame lib"><div class="where">${escapeHtml(frame.text)}</div></li>`;
  const where = `${escapeHtml(source.file)}:${source.line}:${source.column}`;
  const mapped = source.mapped ? ' <span class="mapped">(source map)</span>' : '';
  let lines = '';
  if (source.app && source.lines !== undefined) {
    const rows = source.lines.map(
      (line) => `<tr${line.number === source.line ? ' class="current"' : ''}><th>${line.number}</th><td><pre>${escapeHtml(line.text) || ' '}</pre></td></tr>`,
    );
    lines = `<table class="source">${rows.join('')}</table>`;
  }
  return `<li class="frame ${source.app ? 'app' : 'lib'}"><div class="where">${fn}<span class="file">${where}</span>${mapped}</div>${lines}</li>`;
}

function errorHtml(error: ReportedError, index: number): string {
  const heading = `${index === 0 ? '' : 'Caused by '}<span class="name">${escapeHtml(error.name)}</span>: ${escapeHtml(error.message)}`;
  return `<section class="error"><h2>${heading}</h2><ol class="frames">${error.frames.map(frameHtml).join('')}</ol></section>`;
}

/** The report as a self-contained HTML page. */
export function exceptionHtml(report: ExceptionReport): string {
  const first = report.errors[0]!;
  const environ = report.environ.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${report.statusLine}: ${first.name}: ${first.message}`.slice(0, 200))}</title>
<style>${CSS}</style></head>
<body>
<header><p class="status">${escapeHtml(report.statusLine)}</p><h1><span class="name">${escapeHtml(first.name)}</span>: ${escapeHtml(first.message)}</h1>
<p class="request"><code>${escapeHtml(report.request)}</code></p></header>
${report.errors.map(errorHtml).join('\n')}
<section class="environ"><h2>Environ</h2><table class="environ">${environ}</table></section>
<footer>showExceptions(): a development page. Credentials, cookies and secret-looking values are masked. Nothing on this page runs code.</footer>
</body></html>
`;
}

/** The report as plain text, for curl and logs. */
export function exceptionText(report: ExceptionReport): string {
  const out: string[] = [report.statusLine, report.request, ''];
  report.errors.forEach((error, index) => {
    out.push(`${index === 0 ? '' : 'Caused by '}${error.name}: ${error.message}`);
    for (const frame of error.frames) {
      const source = frame.source;
      if (source === undefined || !source.mapped) out.push(`    ${frame.text}`);
      else out.push(`    at ${frame.function === undefined ? '' : frame.function + ' '}(${source.file}:${source.line}:${source.column})`);
      const current = source?.app ? source.lines?.find((line) => line.number === source.line) : undefined;
      if (current !== undefined) out.push(`        ${current.text.trim()}`);
    }
    out.push('');
  });
  out.push('Environ:');
  for (const [key, value] of report.environ) out.push(`    ${key}: ${value}`);
  return out.join('\n') + '\n';
}
