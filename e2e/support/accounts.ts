import { readFileSync } from "node:fs";
import path from "node:path";
import { request, type APIRequestContext, type Page } from "@playwright/test";
import type { Role } from "../../lib/domain/permissions";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3217);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;

/** The first-run token the e2e server is started with (MASKLAB_SETUP_TOKEN), so the test can follow the printed link. */
export const E2E_SETUP_TOKEN = "e2e-setup-token-0123456789-abcdefghijklmnop";
export const E2E_PASSWORD = "e2e password, long enough";
export const E2E_ROLES: Role[] = ["annotator", "reviewer", "ml_lead", "admin"];

export const emailOf = (role: Role) => `${role.replace("_", "-")}@masklab.test`;

/** Signed-in browser state per role, written by accounts.setup.ts (inside the throwaway data dir). */
export const stateFile = (role: Role) => path.join(".e2e-data", "auth", `${role}.json`);

function csrfOf(role: Role): string {
  const state = JSON.parse(readFileSync(stateFile(role), "utf8")) as { cookies: Array<{ name: string; value: string }> };
  return state.cookies.find((c) => c.name === "masklab_csrf")?.value ?? "";
}

/** An API client signed in as the role, sending the CSRF header our server requires on writes. */
export function apiAs(role: Role): Promise<APIRequestContext> {
  return request.newContext({ baseURL: E2E_BASE_URL, storageState: stateFile(role), extraHTTPHeaders: { "X-CSRF-Token": csrfOf(role) } });
}

/** The CSRF header of the page's own session, for page.request calls. */
export async function csrfHeader(page: Page): Promise<Record<string, string>> {
  const cookie = (await page.context().cookies()).find((c) => c.name === "masklab_csrf");
  return { "X-CSRF-Token": cookie?.value ?? "" };
}
