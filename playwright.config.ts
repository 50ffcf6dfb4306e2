import { defineConfig, devices } from "@playwright/test";
import { E2E_BASE_URL, E2E_PORT, E2E_SETUP_TOKEN, stateFile } from "./e2e/support/accounts";

export const E2E_DATA_DIR = ".e2e-data";

/**
 * End-to-end tests run the real `npm start` path (migrations, sample import, production build,
 * web + worker) on a throwaway data directory, in the system Chromium: browsers are never
 * downloaded. CHROMIUM_PATH overrides the browser; set it empty to use Playwright's own.
 */
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Chromium's WebGPU on SwiftShader (software Vulkan, bundled with Chromium): the GPU path on machines without a GPU. */
const WEBGPU_FLAGS = ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--enable-features=Vulkan", "--use-angle=swiftshader"];

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // First run and accounts: the other specs start signed in with the states it saves.
    { name: "accounts", testMatch: /accounts\.setup\.ts/, use: { ...devices["Desktop Chrome"], launchOptions: chromiumLaunch() } },
    {
      name: "chromium",
      dependencies: ["accounts"],
      use: {
        ...devices["Desktop Chrome"],
        // Most journeys are an ML lead's; specs about another role say so with test.use().
        storageState: stateFile("ml_lead"),
        launchOptions: chromiumLaunch(),
      },
    },
    // The in-browser inference journeys again with WebGPU on (SwiftShader's software adapter here).
    {
      name: "chromium-webgpu",
      dependencies: ["chromium"],
      testMatch: /(use-a-model-in-the-browser|yolo-and-coco-results-from-elsewhere)\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], storageState: stateFile("ml_lead"), launchOptions: chromiumLaunch(WEBGPU_FLAGS) },
    },
  ],
  webServer: {
    command: `rm -rf ${E2E_DATA_DIR} && node --import tsx workers/start.ts`,
    url: `${E2E_BASE_URL}/api/health`,
    env: { DATA_DIR: E2E_DATA_DIR, PORT: String(E2E_PORT), HOST: "127.0.0.1", DATABASE_URL: "", MASKLAB_SETUP_TOKEN: E2E_SETUP_TOKEN },
    timeout: 300_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
  },
});

function chromiumLaunch(gpuFlags: string[] = ["--disable-gpu"]) {
  return {
    executablePath: executablePath || undefined,
    args: ["--headless", "--no-sandbox", ...gpuFlags, "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  };
}
