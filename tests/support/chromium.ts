import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (no browser download: only Debian's package). */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const run = promisify(execFile);

/**
 * Makes sure /usr/bin/chromium exists: as root it installs Debian's `chromium` package once (saying
 * so), otherwise it fails naming exactly what is missing and how to get it.
 */
export async function ensureChromium(): Promise<string> {
  await ensureJapaneseFont();
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0)
    throw new Error(
      `${CHROMIUM} is missing: the browser tests need Debian's chromium package (as root: apt-get update && apt-get install -y chromium)`,
    );
  console.log(
    `${CHROMIUM} is missing: installing Debian's chromium package once (apt-get install -y chromium)`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env, timeout: 600_000 });
  await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { env, timeout: 900_000 });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing`);
  return CHROMIUM;
}

/**
 * The page is in Japanese and English: without a Japanese font, screenshots show boxes. As root,
 * Debian's fonts-noto-cjk is installed once; otherwise the test goes on (the text is still right).
 */
async function ensureJapaneseFont(): Promise<void> {
  const fonts = await run('fc-list', [':lang=ja']).then(
    ({ stdout }) => stdout.trim(),
    () => '',
  );
  if (fonts !== '' || process.getuid?.() !== 0) return;
  console.log("no Japanese font: installing Debian's fonts-noto-cjk once, for readable screenshots");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['install', '-y', '--no-install-recommends', 'fonts-noto-cjk'], {
    env,
    timeout: 900_000,
  }).catch(async () => {
    await run('apt-get', ['update'], { env, timeout: 600_000 });
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'fonts-noto-cjk'], {
      env,
      timeout: 900_000,
    });
  });
}

/**
 * Headless Chromium with a new, empty profile (--user-data-dir, through playwright's persistent
 * context). TLS errors are ignored for the demo gateway, whose certificate comes from the demo CA.
 */
export async function launchChromium(): Promise<BrowserContext> {
  const executablePath = await ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'tsunagi-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    ignoreHTTPSErrors: true,
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
  });
}
