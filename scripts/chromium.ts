/**
 * Debian's Chromium driven by playwright-core, for the tests that need a real browser.
 *
 * `.ci/run` installs the `chromium` package; playwright never downloads a browser of its
 * own here. The flags keep Chromium off the network it cannot reach (background
 * networking, component updates, sync) and let it run as root in a container.
 *
 * @example
 * const browser = await launchChromium();
 * try {
 *   const page = await browser.newPage();
 *   await page.goto(url);
 * } finally {
 *   await browser.close();
 * }
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser; `CHROMIUM_PATH` overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Starts a headless Chromium; playwright gives it a fresh temporary profile and removes it on close. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}
