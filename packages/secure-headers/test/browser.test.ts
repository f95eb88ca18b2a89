/**
 * A real browser (Debian's Chromium through playwright-core) against secureHeaders()
 * with a nonce'd Content-Security-Policy: the inline script carrying this response's
 * nonce runs, the one without it is blocked and reported by a securitypolicyviolation
 * event, and so is an inline event handler (helmet's `script-src-attr 'none'`).
 */
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../scripts/chromium.js';
import { CSP_NONCE_KEY, NONCE, secureHeaders } from '../src/index.js';

let served: Served;
let browser: Browser;

/** A page whose first script (nonce'd) records violations and marks the DOM; the second has no nonce. */
const page: Application = (environ, startResponse) => {
  const nonce = String(environ[CSP_NONCE_KEY]);
  const html = `<!doctype html><html><body>
<script nonce="${nonce}">
  window.violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective));
  document.body.dataset.nonced = 'ran';
</script>
<script>document.body.dataset.plain = 'ran';</script>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onerror="document.body.dataset.handler = 'ran'" onload="document.body.dataset.handler = 'ran'">
</body></html>`;
  startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
  return [Buffer.from(html)];
};

beforeAll(async () => {
  const withNonce = secureHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", NONCE] } } });
  served = await serve(lint(withNonce(lint(page))), { host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

test("the nonce'd inline script runs; the other inline script and the inline handler are blocked and reported", async () => {
  const tab = await browser.newPage();
  try {
    await tab.goto(`${served.url}/`);
    await tab.waitForFunction('document.body.dataset.nonced === "ran" && window.violations.length >= 2', undefined, { timeout: 10_000 });
    // A string: the test is compiled without the DOM's types.
    const result = await tab.evaluate(`({
      nonced: document.body.dataset.nonced ?? null,
      plain: document.body.dataset.plain ?? null,
      handler: document.body.dataset.handler ?? null,
      violations: [...new Set(window.violations)].sort(),
    })`);
    expect(result).toEqual({ nonced: 'ran', plain: null, handler: null, violations: ['script-src-attr', 'script-src-elem'] });
  } finally {
    await tab.close();
  }
}, 30_000);
