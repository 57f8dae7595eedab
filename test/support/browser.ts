import { existsSync } from "node:fs";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { servicesRequired, tempDir } from "./services.ts";

/** The Chromium the tests drive. */
export const CHROMIUM_PATH = process.env.GENLEDGER_CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags that keep Chromium quiet, offline and reproducible in containers. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * True when Chromium can run here. Outside CI a missing browser skips the browser tests; in CI
 * (`CI=true` or `GENLEDGER_REQUIRE_SERVICES=1`) it throws so the run fails instead of hiding the gap.
 */
export function hasChromium(): boolean {
  const found = existsSync(CHROMIUM_PATH);
  if (!found && servicesRequired) {
    throw new Error(`Chromium is required for the browser tests but ${CHROMIUM_PATH} does not exist`);
  }
  return found;
}

/** A browser with a fresh profile; `close()` also deletes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  /** A new tab that fails the test on page errors: collect them with `errors`. */
  newPage(): Promise<Page>;
  /** Uncaught page errors and console errors seen so far, per page. */
  errors: string[];
  close(): Promise<void>;
}

/** Launches Chromium headless with a fresh `--user-data-dir` at a 1280x800 viewport. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = tempDir("genledger-chromium-");
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 },
    timeout: 60_000,
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console.error: ${message.text()}`);
    });
  };
  context.on("page", watch);
  for (const page of context.pages()) watch(page);
  return {
    context,
    errors,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      profile.remove();
    },
  };
}
