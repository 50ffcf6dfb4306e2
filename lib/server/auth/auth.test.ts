import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as loginRoute } from "@/app/api/auth/login/route";
import { GET as exportRoute } from "@/app/api/datasets/[id]/export/route";
import { GET as datasetsRoute } from "@/app/api/datasets/route";
import { PUT as saveLabelsRoute } from "@/app/api/images/[id]/annotations/route";
import { GET as healthRoute } from "@/app/api/health/route";
import { POST as predictRoute } from "@/app/api/predict/route";
import { registerWorker } from "../training/worker-registry";
import { createTestEnv, type TestEnv } from "../testing/test-env";
import { createApiKey, revokeApiKey } from "./api-keys";
import { guarded } from "./guard";
import { login } from "./login";
import { hashPassword, verifyPassword } from "./passwords";
import { limiters, RateLimiter, resetLimiters } from "./rate-limit";
import { createSession, csrfTokenFor, findSession, ROTATION_GRACE_MS, SESSION_COOKIE } from "./sessions";
import { completeSetup, issueSetupToken, SetupError } from "./setup";
import { hashSecret } from "./tokens";
import { createUser, LastAdminError, updateUser, updateUserWithAudit } from "./users";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.cleanup());
// Fresh counters per test: the limiters are process-wide.
beforeEach(resetLimiters);

const PASSWORD = "a long enough password";
let counter = 0;
async function newUser(role: "annotator" | "reviewer" | "ml_lead" | "admin" = "annotator") {
  return createUser({ email: `user${++counter}@example.com`, name: `User ${counter}`, role, password: PASSWORD }, env.db);
}

function jsonRequest(url: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`http://localhost${url}`, { method: "POST", headers: { "Content-Type": "application/json", Origin: "http://localhost", ...headers }, body: JSON.stringify(body) });
}
const noParams = { params: Promise.resolve({}) };

describe("passwords", () => {
  it("are hashed with argon2id, salted, and verified", async () => {
    const first = await hashPassword("correct horse battery");
    const second = await hashPassword("correct horse battery");
    expect(first).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword(first, "correct horse battery")).toBe(true);
    expect(await verifyPassword(first, "correct horse batterY")).toBe(false);
    expect(await verifyPassword(null, "anything")).toBe(false);
    expect(await verifyPassword("not a hash", "anything")).toBe(false);
  });

  it("are never stored in clear", async () => {
    const user = await newUser();
    const row = await env.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).not.toContain(PASSWORD);
    expect(await verifyPassword(row.passwordHash, PASSWORD)).toBe(true);
  });
});

describe("signing in", () => {
  it("the right password opens a new session and is audited; a wrong one is refused and audited", async () => {
    const user = await newUser();
    const ok = await login(user.email, PASSWORD, "10.0.0.1", env.db);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect((await findSession(ok.token, { db: env.db }))?.user.id).toBe(user.id);
    expect(await env.db.session.findFirst({ where: { tokenHash: ok.token } })).toBeNull(); // only the hash is stored
    const bad = await login(user.email, "wrong password", "10.0.0.1", env.db);
    expect(bad).toMatchObject({ ok: false, status: 401, error: "wrong email or password" });
    const unknown = await login("nobody@example.com", PASSWORD, "10.0.0.1", env.db);
    expect(unknown).toMatchObject({ ok: false, status: 401, error: "wrong email or password" });
    const actions = (await env.db.auditLog.findMany({ where: { target: user.email }, orderBy: { at: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["login.succeeded", "login.failed"]);
  });

  it("the route sets httpOnly SameSite session and CSRF cookies", async () => {
    const user = await newUser();
    const response = await loginRoute(jsonRequest("/api/auth/login", { email: user.email.toUpperCase(), password: PASSWORD }), noParams);
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))).toMatch(/HttpOnly/i);
    expect(cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))).toMatch(/SameSite=Lax/i);
    expect(cookies.find((c) => c.startsWith("masklab_csrf="))).toMatch(/SameSite=Strict/i);
    expect(cookies.find((c) => c.startsWith("masklab_csrf="))).not.toMatch(/HttpOnly/i);
  });

  it("a disabled account cannot sign in, and its sessions end", async () => {
    const user = await newUser();
    const session = await createSession(user.id, env.db);
    await updateUser(user.id, { disabled: true }, env.db);
    expect(await findSession(session.token, { db: env.db })).toBeNull();
    expect((await login(user.email, PASSWORD, null, env.db)).ok).toBe(false);
  });

  it("ten failed attempts lock the account for the window, even for the right password (429 with Retry-After)", async () => {
    const user = await newUser();
    for (let i = 0; i < 10; i++) expect((await login(user.email, `wrong ${i}`, `10.1.0.${i}`, env.db)).ok).toBe(false);
    const locked = await login(user.email, PASSWORD, "10.2.0.1", env.db);
    expect(locked).toMatchObject({ ok: false, status: 429 });
    expect(locked.ok === false && locked.retryAfterSeconds).toBeGreaterThan(800);
    const response = await loginRoute(jsonRequest("/api/auth/login", { email: user.email, password: PASSWORD }), noParams);
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await env.db.auditLog.count({ where: { action: "login.rate_limited", target: user.email } })).toBeGreaterThanOrEqual(2);
  });

  it("one client making too many attempts is slowed down across accounts", async () => {
    for (let i = 0; i < 30; i++) await login(`nobody${i}@example.com`, "x", "10.9.9.9", env.db);
    expect(await login("nobody-else@example.com", "x", "10.9.9.9", env.db)).toMatchObject({ ok: false, status: 429 });
    expect(await login("nobody-else@example.com", "x", "10.9.9.10", env.db)).toMatchObject({ ok: false, status: 401 });
  });
});

describe("sessions", () => {
  it("rotate after an hour; the old token works for the grace period only", async () => {
    const user = await newUser();
    const { token } = await createSession(user.id, env.db);
    await env.db.session.updateMany({ where: { tokenHash: hashSecret(token) }, data: { createdAt: new Date(Date.now() - 2 * 3600_000) } });
    const rotated = await findSession(token, { rotate: true, db: env.db });
    expect(rotated?.rotatedToken).toBeTruthy();
    // Both work right after the rotation …
    expect((await findSession(rotated!.rotatedToken!, { db: env.db }))?.user.id).toBe(user.id);
    expect((await findSession(token, { db: env.db }))?.user.id).toBe(user.id);
    // … and once the grace period is over, only the new one.
    await env.db.session.updateMany({ where: { previousTokenHash: hashSecret(token) }, data: { previousValidUntil: new Date(Date.now() - 1) } });
    expect(await findSession(token, { db: env.db })).toBeNull();
    expect((await findSession(rotated!.rotatedToken!, { db: env.db }))?.user.id).toBe(user.id);
    expect(ROTATION_GRACE_MS).toBeLessThanOrEqual(60_000);
  });

  it("a guarded route sends the rotated cookie back", async () => {
    const user = await newUser();
    const { token } = await createSession(user.id, env.db);
    await env.db.session.updateMany({ where: { tokenHash: hashSecret(token) }, data: { createdAt: new Date(Date.now() - 2 * 3600_000) } });
    const response = await datasetsRoute(new Request("http://localhost/api/datasets", { headers: { Cookie: `${SESSION_COOKIE}=${token}` } }), noParams);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.includes(token))).toBe(true);
  });

  it("expire", async () => {
    const user = await newUser();
    const { token } = await createSession(user.id, env.db);
    await env.db.session.updateMany({ where: { tokenHash: hashSecret(token) }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await findSession(token, { db: env.db })).toBeNull();
  });
});

describe("first run", () => {
  it("a one-time setup token creates the first admin once; wrong, reused or late tokens fail", async () => {
    const fresh = await createTestEnv();
    try {
      const token = (await issueSetupToken(fresh.db))!;
      expect(token.length).toBeGreaterThanOrEqual(32);
      await expect(completeSetup({ token: "x".repeat(43), email: "a@example.com", name: "A", password: PASSWORD }, fresh.db)).rejects.toThrow(SetupError);
      const admin = await completeSetup({ token, email: "a@example.com", name: "A", password: PASSWORD }, fresh.db);
      expect(admin.role).toBe("admin");
      await expect(completeSetup({ token, email: "b@example.com", name: "B", password: PASSWORD }, fresh.db)).rejects.toThrow(/already set up/);
      expect(await issueSetupToken(fresh.db)).toBeNull();
      expect(await fresh.db.user.count()).toBe(1);
    } finally {
      await fresh.cleanup();
    }
  });
});

describe("accounts", () => {
  it("the last admin can be neither demoted nor disabled", async () => {
    const fresh = await createTestEnv();
    try {
      const admin = await createUser({ email: "only@example.com", name: "Only", role: "admin", password: PASSWORD }, fresh.db);
      await expect(updateUser(admin.id, { role: "ml_lead" }, fresh.db)).rejects.toThrow(LastAdminError);
      await expect(updateUser(admin.id, { disabled: true }, fresh.db)).rejects.toThrow(/last admin/);
      const second = await createUser({ email: "second@example.com", name: "Second", role: "admin", password: PASSWORD }, fresh.db);
      await updateUser(admin.id, { role: "ml_lead" }, fresh.db);
      await expect(updateUser(second.id, { disabled: true }, fresh.db)).rejects.toThrow(/last admin/);
    } finally {
      await fresh.cleanup();
    }
  });

  it("an admin's change is audited once per thing that changed", async () => {
    const fresh = await createTestEnv();
    try {
      const admin = await createUser({ email: "admin@example.com", name: "Admin", role: "admin", password: PASSWORD }, fresh.db);
      const user = await createUser({ email: "u@example.com", name: "U", role: "annotator", password: PASSWORD }, fresh.db);
      const by = { actorId: admin.id, ip: "10.0.0.1" };
      await updateUserWithAudit(user.id, { role: "reviewer", disabled: true, password: `${PASSWORD}!` }, by, fresh.db);
      await updateUserWithAudit(user.id, { role: "reviewer", disabled: true }, by, fresh.db); // nothing new
      await updateUserWithAudit(user.id, { disabled: false }, by, fresh.db);
      const entries = await fresh.db.auditLog.findMany({ where: { actorId: admin.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
      expect(entries.map((e) => e.action)).toEqual(["user.role_changed", "user.disabled", "user.password_reset", "user.enabled"]);
      expect(entries[0]).toMatchObject({ target: "u@example.com", ip: "10.0.0.1", detail: { from: "annotator", to: "reviewer" } });
    } finally {
      await fresh.cleanup();
    }
  });

  it("an annotator may save labels but not mark them reviewed", async () => {
    const annotator = await newUser("annotator");
    const { token } = await createSession(annotator.id, env.db);
    const request = new Request("http://localhost/api/images/some-image/annotations", {
      method: "PUT",
      headers: { "Content-Type": "application/json", Cookie: `${SESSION_COOKIE}=${token}`, Origin: "http://localhost", "X-CSRF-Token": csrfTokenFor(token) },
      body: JSON.stringify({ expectedVersion: 1, boxes: [], labelStatus: "reviewed" }),
    });
    const response = await saveLabelsRoute(request, { params: Promise.resolve({ id: "some-image" }) });
    expect(response.status).toBe(403);
  });
});

describe("API keys", () => {
  // A 1×1 PNG: a request the prediction API accepts, so what it answers is about the caller.
  const onePixel = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"));
  const predict = (key: string) => predictRoute(new Request("http://localhost/api/predict", { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "image/png" }, body: onePixel }), noParams);

  it("are shown once, stored hashed, and a valid predict key reaches the prediction API", async () => {
    const lead = await newUser("ml_lead");
    const { key, record } = await createApiKey({ name: "camera", scopes: ["predict"], createdById: lead.id }, env.db);
    expect(key).toMatch(/^mk_[A-Za-z0-9]{8}_/);
    expect(record.keyHash).toBe(hashSecret(key));
    expect(JSON.stringify(await env.db.apiKey.findUnique({ where: { id: record.id } }))).not.toContain(key.slice(12));
    const response = await predict(key);
    // Authenticated and authorised: the answer is about serving (no model in production yet).
    expect(response.status).toBe(503);
    expect((await env.db.apiKey.findUniqueOrThrow({ where: { id: record.id } })).lastUsedAt).not.toBeNull();
  });

  it("revoked, unknown or malformed keys get 401; a key without the scope gets 403", async () => {
    const lead = await newUser("ml_lead");
    const { key, record } = await createApiKey({ name: "old", scopes: ["predict"], createdById: lead.id }, env.db);
    await revokeApiKey(record.id, env.db);
    expect((await predict(key)).status).toBe(401);
    expect((await predict(`mk_abcdefgh_${"x".repeat(43)}`)).status).toBe(401);
    expect((await predict("not-a-key")).status).toBe(401);
    const exportOnly = await createApiKey({ name: "pipeline", scopes: ["export"], createdById: lead.id }, env.db);
    expect((await predict(exportOnly.key)).status).toBe(403);
  });

  it("are refused on routes that do not take keys, and stop working when their creator loses the right", async () => {
    const lead = await newUser("ml_lead");
    const { key } = await createApiKey({ name: "pipeline", scopes: ["export"], createdById: lead.id }, env.db);
    const exporting = () => exportRoute(new Request("http://localhost/api/datasets/none/export?format=voc", { headers: { Authorization: `Bearer ${key}` } }), { params: Promise.resolve({ id: "none" }) });
    expect((await exporting()).status).toBe(404); // through auth: the dataset does not exist
    expect((await datasetsRoute(new Request("http://localhost/api/datasets", { headers: { Authorization: `Bearer ${key}` } }), noParams)).status).toBe(401);
    await updateUser(lead.id, { role: "annotator" }, env.db);
    expect((await exporting()).status).toBe(403);
  });

  it("the prediction API is rate-limited per key", async () => {
    const lead = await newUser("ml_lead");
    const { key } = await createApiKey({ name: "busy", scopes: ["predict"], createdById: lead.id }, env.db);
    const tight = new RateLimiter("predictionsPerCaller", 3, 60_000);
    Object.assign(limiters(), { predictionsPerCaller: tight });
    for (let i = 0; i < 3; i++) expect((await predict(key)).status).toBe(503);
    const limited = await predict(key);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBeTruthy();
  });
});

describe("errors", () => {
  it("an unexpected failure answers 500 with a reference, never the message or stack", async () => {
    const user = await newUser();
    const { token } = await createSession(user.id, env.db);
    const failing = guarded("data.view", async () => {
      throw new Error("SQLITE_ERROR: no such table: secret_table at /srv/masklab/lib/x.ts:12");
    });
    const original = console.error;
    console.error = () => undefined;
    try {
      const response = await failing(new Request("http://localhost/api/x", { headers: { Cookie: `${SESSION_COOKIE}=${token}` } }), { params: Promise.resolve({}) });
      expect(response.status).toBe(500);
      const body = await response.json();
      expect(Object.keys(body).sort()).toEqual(["error", "reference"]);
      expect(JSON.stringify(body)).not.toMatch(/SQLITE|secret_table|\.ts/);
    } finally {
      console.error = original;
    }
  });

  it("oversized and malformed JSON bodies get 413 / 400 before any work", async () => {
    const big = await loginRoute(jsonRequest("/api/auth/login", { email: "a@example.com", password: "x".repeat(10_000) }), noParams);
    expect(big.status).toBe(413);
    const broken = await loginRoute(new Request("http://localhost/api/auth/login", { method: "POST", headers: { Origin: "http://localhost" }, body: "{not json" }), noParams);
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: "the request body is not valid JSON" });
  });
});

describe("the public health check", () => {
  it("tells anyone whether the service is up, and only signed-in people which workers run where", async () => {
    const workerId = await registerWorker("training", { backend: "wasm" }, env.db);
    const anonymous = await (await healthRoute(new Request("http://localhost/api/health"), noParams)).json();
    expect(anonymous.database.ok).toBe(true);
    expect(anonymous.workers).toEqual({ alive: 1, list: [] });
    const user = await newUser();
    const { token } = await createSession(user.id, env.db);
    const signedIn = await (await healthRoute(new Request("http://localhost/api/health", { headers: { Cookie: `${SESSION_COOKIE}=${token}` } }), noParams)).json();
    expect(JSON.stringify(signedIn.workers.list)).toContain(workerId);
  });
});
