import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as passwordRoute } from "@/app/api/account/password/route";
import { createTestEnv, type TestEnv } from "../testing/test-env";
import { login } from "./login";
import { resetLimiters } from "./rate-limit";
import { createSession, csrfTokenFor, findSession, SESSION_COOKIE } from "./sessions";
import { createUser } from "./users";

/** POST /api/account/password through the real route on a real database: limits and audit. */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.cleanup());
beforeEach(resetLimiters);

const PASSWORD = "a long enough password";
let counter = 0;
async function signedIn() {
  const user = await createUser({ email: `changer${++counter}@example.com`, name: `Changer ${counter}`, role: "annotator", password: PASSWORD }, env.db);
  return { user, session: await createSession(user.id, env.db) };
}
function change(token: string, body: { currentPassword: string; newPassword: string }) {
  const headers = { Cookie: `${SESSION_COOKIE}=${token}`, "X-CSRF-Token": csrfTokenFor(token), Origin: "http://localhost", "Content-Type": "application/json", "X-Forwarded-For": "10.7.0.1" };
  return passwordRoute(new Request("http://localhost/api/account/password", { method: "POST", headers, body: JSON.stringify(body) }), { params: Promise.resolve({}) });
}
const auditOf = async (email: string) => (await env.db.auditLog.findMany({ where: { target: email }, orderBy: [{ at: "asc" }, { id: "asc" }] })).map((e) => ({ action: e.action, ip: e.ip }));

describe("changing one's own password", () => {
  it("ten wrong current passwords answer 400 each and are audited; then 429 with Retry-After, even for the right one", async () => {
    const { user, session } = await signedIn();
    for (let i = 0; i < 10; i++) {
      const response = await change(session.token, { currentPassword: `guess number ${i}`, newPassword: "the attacker's choice" });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: "the current password is wrong" });
    }
    const locked = await change(session.token, { currentPassword: PASSWORD, newPassword: "the attacker's choice" });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(800);
    expect(await locked.json()).toEqual({ error: "too many wrong passwords: try again later" });
    const audit = await auditOf(user.email);
    expect(audit).toEqual([...Array.from({ length: 10 }, () => ({ action: "password.change_failed", ip: "10.7.0.1" })), { action: "password.change_rate_limited", ip: "10.7.0.1" }]);
    // One budget per account: the guesses through this door lock sign-in too.
    expect(await login(user.email, PASSWORD, "10.8.0.1", env.db)).toMatchObject({ ok: false, status: 429 });
    // Nothing changed.
    await resetLimiters();
    expect((await login(user.email, PASSWORD, "10.8.0.1", env.db)).ok).toBe(true);
  });

  it("the right current password changes it (204), keeps this session, ends the others, and is audited", async () => {
    const { user, session } = await signedIn();
    const other = await createSession(user.id, env.db);
    expect((await change(session.token, { currentPassword: "one wrong guess", newPassword: "a brand new passphrase" })).status).toBe(400);
    const response = await change(session.token, { currentPassword: PASSWORD, newPassword: "a brand new passphrase" });
    expect(response.status).toBe(204);
    expect(await findSession(session.token, { db: env.db })).not.toBeNull();
    expect(await findSession(other.token, { db: env.db })).toBeNull();
    expect((await login(user.email, PASSWORD, null, env.db)).ok).toBe(false);
    expect((await login(user.email, "a brand new passphrase", null, env.db)).ok).toBe(true);
    expect((await auditOf(user.email)).map((e) => e.action)).toEqual(["password.change_failed", "password.changed", "login.failed", "login.succeeded"]);
    const changed = await env.db.auditLog.findFirstOrThrow({ where: { action: "password.changed", target: user.email } });
    expect(changed.actorId).toBe(user.id);
  });
});
