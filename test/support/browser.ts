/**
 * A real browser for the board's tests: Debian's Chromium (/usr/bin/chromium, or NNC_CHROMIUM),
 * headless, driven by puppeteer-core (which downloads no browser of its own). Every page records
 * each request it makes and each script error, so tests can prove what a page fetched.
 *
 * Without Chromium the browser tests skip with a message, unless NNC_REQUIRE_BROWSER=1 (CI sets
 * it: .ci/run installs Debian's chromium), where they run and fail.
 */
import { existsSync } from "node:fs";
import puppeteer, { type Browser, type HTTPRequest, type Page } from "puppeteer-core";

export const CHROMIUM = process.env.NNC_CHROMIUM ?? "/usr/bin/chromium";
export const browserInstalled = existsSync(CHROMIUM);
export const browserRequired = process.env.NNC_REQUIRE_BROWSER === "1";
/** True when the browser tests should skip (no Chromium, and CI did not ask for it). */
export const skipBrowserTests = !browserInstalled && !browserRequired;
if (skipBrowserTests) {
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium; NNC_REQUIRE_BROWSER=1 makes this a failure)`);
}

export interface TrackedPage {
  page: Page;
  /** Every URL the page requested, in order (page.on('request')). */
  requests: string[];
  /** Uncaught script errors (pageerror) and console errors, less the browser's own "Failed to load resource" lines (see `failed`). */
  errors: string[];
  /** Responses with an HTTP error status, as "404 http://…". */
  failed: string[];
}

export interface BrowserSession {
  browser: Browser;
  /** A new tab whose requests and errors are recorded; with `intercept`, each request goes through it (continue or abort). */
  newPage(options?: { intercept?: (request: HTTPRequest) => "continue" | "abort" }): Promise<TrackedPage>;
  close(): Promise<void>;
}

/** Launches Chromium headless. CI runs as root, where Chromium needs --no-sandbox. */
export async function launchBrowser(): Promise<BrowserSession> {
  if (!browserInstalled) throw new Error(`Chromium is not installed at ${CHROMIUM} (Debian: apt-get install chromium)`);
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-dev-shm-usage",
      "--disable-gpu",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-extensions",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--metrics-recording-only",
      "--hide-scrollbars",
      "--mute-audio",
    ],
    defaultViewport: { width: 1200, height: 800 },
    timeout: 30_000,
    protocolTimeout: 30_000,
  });
  const pages: Page[] = [];
  return {
    browser,
    async newPage(options = {}) {
      const page = await browser.newPage();
      pages.push(page);
      const requests: string[] = [];
      const errors: string[] = [];
      const failed: string[] = [];
      page.on("response", (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      page.on("pageerror", (error) => errors.push(`pageerror: ${error instanceof Error ? error.message : String(error)}`));
      page.on("console", (message) => {
        if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(`console: ${message.text()}`);
      });
      if (options.intercept) {
        const decide = options.intercept;
        await page.setRequestInterception(true);
        page.on("request", (request) => {
          requests.push(request.url());
          if (request.isInterceptResolutionHandled()) return;
          void (decide(request) === "continue" ? request.continue() : request.abort("blockedbyclient"));
        });
      } else {
        page.on("request", (request) => requests.push(request.url()));
      }
      return { page, requests, errors, failed };
    },
    async close() {
      for (const page of pages) await page.close().catch(() => undefined);
      await browser.close();
    },
  };
}
