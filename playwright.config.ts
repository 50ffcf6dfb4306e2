import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3217);
export const E2E_DATA_DIR = ".e2e-data";

/**
 * End-to-end tests run the real `npm start` path (migrations, sample import, production build,
 * web + worker) on a throwaway data directory, in the system Chromium: browsers are never
 * downloaded. CHROMIUM_PATH overrides the browser; set it empty to use Playwright's own.
 */
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: executablePath || undefined,
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: {
    command: `rm -rf ${E2E_DATA_DIR} && node --import tsx workers/start.ts`,
    url: `http://127.0.0.1:${port}/api/health`,
    env: { DATA_DIR: E2E_DATA_DIR, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: "" },
    timeout: 300_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
  },
});
