import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/server/auth/passwords";
import { runCli } from "@/lib/server/testing/run-cli";
import { createTestEnv, type TestEnv } from "@/lib/server/testing/test-env";

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.cleanup());

/** `npm run users -- …` against the test database, as a real process. */
const users = (args: string[], extraEnv: Record<string, string> = {}) => runCli("users", args, env.dir, extraEnv);

describe("npm run users", () => {
  it("creates an account with a generated password that works, and lists it", async () => {
    const created = await users(["create", "--email", "Lead@Example.com", "--name", "Lee", "--role", "ml_lead"]);
    expect(created.code).toBe(0);
    const password = created.stdout.match(/password: (\S+)/)![1]!;
    const row = await env.db.user.findUniqueOrThrow({ where: { email: "lead@example.com" } });
    expect(row.role).toBe("ml_lead");
    expect(await verifyPassword(row.passwordHash, password)).toBe(true);
    expect((await users(["list"])).stdout).toContain("lead@example.com\tml_lead\tactive\tLee");
    expect(await env.db.auditLog.count({ where: { action: "user.created", target: "lead@example.com" } })).toBe(1);
  }, 60_000);

  it("changes roles and resets passwords (from MASKLAB_PASSWORD), refusing to demote the last admin", async () => {
    expect((await users(["create", "--email", "root@example.com", "--role", "admin"], { MASKLAB_PASSWORD: "first password here" })).code).toBe(0);
    const demote = await users(["set-role", "--email", "root@example.com", "--role", "reviewer"]);
    expect(demote.code).toBe(1);
    expect(demote.stderr).toContain("last admin");
    expect((await users(["reset-password", "--email", "root@example.com"], { MASKLAB_PASSWORD: "second password here" })).code).toBe(0);
    const row = await env.db.user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    expect(await verifyPassword(row.passwordHash, "second password here")).toBe(true);
  }, 60_000);

  it("usage errors exit 2 and change nothing", async () => {
    const before = await env.db.user.count();
    expect((await users(["create", "--email", "x@example.com", "--role", "superuser"])).code).toBe(2);
    expect((await users(["create", "--email", "not-an-email", "--role", "admin"])).code).toBe(2);
    expect((await users(["frobnicate"])).code).toBe(2);
    expect(await env.db.user.count()).toBe(before);
  }, 60_000);
});
