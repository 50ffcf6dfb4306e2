import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as apiKeysRoute from "@/app/api/api-keys/route";
import * as tokenRoute from "@/app/api/worker-tokens/[id]/route";
import * as tokensRoute from "@/app/api/worker-tokens/route";
import { apiKeyListSchema } from "@/lib/contracts/http/accounts";
import { createdWorkerTokenSchema, workerTokenListSchema } from "@/lib/contracts/http/worker-tokens";
import type { Role } from "@/lib/domain/permissions";
import { checkApiKey, createApiKey } from "../auth/api-keys";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { hashSecret } from "../auth/tokens";
import { createUser } from "../auth/users";
import { createTestEnv, type TestEnv } from "../testing/test-env";
import { ALIVE_WINDOW_MS } from "./worker-registry";
import { createWorkerToken, listWorkerTokens, revokeWorkerToken, WorkerTokenNotFoundError } from "./worker-tokens";

/** Worker tokens through their routes on a real database: who may make them, shown once, stored hashed, revoked and audited. */
let env: TestEnv;
const userIds = {} as Record<Role, string>;

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(role: Role | { bearer: string }, handler: unknown, method: string, url: string, options: { body?: unknown; params?: Record<string, string> } = {}) {
  const headers = new Headers({ "Content-Type": "application/json" });
  if (typeof role === "object") headers.set("Authorization", `Bearer ${role.bearer}`);
  else {
    const { token } = await createSession(userIds[role], env.db);
    headers.set("Cookie", `${SESSION_COOKIE}=${token}`);
    if (method !== "GET") {
      headers.set("Origin", "http://localhost");
      headers.set("X-CSRF-Token", csrfTokenFor(token));
    }
  }
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return (handler as Handler)(new Request(`http://localhost${url}`, { method, headers, body }), { params: Promise.resolve(options.params ?? {}) });
}

const create = (role: Role, name: string) => call(role, tokensRoute.POST, "POST", "/api/worker-tokens", { body: { name } });
const revoke = (role: Role, id: string) => call(role, tokenRoute.DELETE, "DELETE", `/api/worker-tokens/${id}`, { params: { id } });
const list = async (role: Role) => workerTokenListSchema.parse(await (await call(role, tokensRoute.GET, "GET", "/api/worker-tokens")).json()).tokens;
const auditRows = (action: string) => env.db.auditLog.findMany({ where: { action }, orderBy: { at: "asc" } });

beforeAll(async () => {
  env = await createTestEnv();
  for (const role of ["annotator", "reviewer", "ml_lead", "admin"] as const) {
    userIds[role] = (await createUser({ email: `${role}@example.com`, name: role, role, password: "a long enough password" }, env.db)).id;
  }
});
afterAll(async () => env.cleanup());

describe("who may manage worker tokens", () => {
  it("annotators and reviewers are refused (403) listing, creating and revoking, and nothing is created", async () => {
    const { id } = await createWorkerToken({ name: "existing" }, { actorId: userIds.ml_lead }, env.db);
    for (const role of ["annotator", "reviewer"] as const) {
      expect((await call(role, tokensRoute.GET, "GET", "/api/worker-tokens")).status).toBe(403);
      expect((await create(role, "sneaky")).status).toBe(403);
      expect((await revoke(role, id)).status).toBe(403);
    }
    expect(await env.db.apiKey.count({ where: { name: "sneaky" } })).toBe(0);
    expect((await env.db.apiKey.findUniqueOrThrow({ where: { id } })).revokedAt).toBeNull();
  });

  it("a worker token cannot manage worker tokens: the routes take a signed-in person only", async () => {
    const { token } = await createWorkerToken({ name: "a worker" }, { actorId: userIds.admin }, env.db);
    const answer = await call({ bearer: token }, tokensRoute.GET, "GET", "/api/worker-tokens");
    expect(answer.status).toBe(401);
  });
});

describe("creating a worker token", () => {
  it("an ML lead gets the token once (201); only its hash is stored, with the worker scope alone, and the creation is audited", async () => {
    const answer = await create("ml_lead", "  gpu-box-lab-2 ");
    expect(answer.status).toBe(201);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const created = createdWorkerTokenSchema.parse(await answer.json());
    expect(created).toMatchObject({ name: "gpu-box-lab-2", token: expect.stringMatching(/^mk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{32,}$/) });
    expect(created.token.startsWith(`mk_${created.prefix}_`)).toBe(true);

    const stored = await env.db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored).toMatchObject({ scopes: "worker", keyHash: hashSecret(created.token), createdById: userIds.ml_lead, revokedAt: null });
    expect(JSON.stringify(stored)).not.toContain(created.token.slice(12));

    // The list never shows it again.
    const rows = await list("ml_lead");
    expect(rows.find((row) => row.id === created.id)).toMatchObject({ name: "gpu-box-lab-2", prefix: created.prefix, createdBy: { email: "ml_lead@example.com" }, lastUsedAt: null, revokedAt: null, workers: [] });
    expect(JSON.stringify(rows)).not.toContain(created.token.slice(12));

    expect((await auditRows("apikey.created")).at(-1)).toMatchObject({ actorId: userIds.ml_lead, target: `gpu-box-lab-2 (${created.prefix})`, detail: { scopes: ["worker"] } });

    // It works for training workers only.
    expect(await checkApiKey(created.token, "training.work", env.db)).toMatchObject({ ok: true, keyId: created.id });
    expect(await checkApiKey(created.token, "models.predict", env.db)).toMatchObject({ ok: false, status: 403 });
  });

  it("an admin may create one too; a name is required", async () => {
    expect((await create("admin", "admin-box")).status).toBe(201);
    const blank = await create("ml_lead", "   ");
    expect(blank.status).toBe(400);
    expect(await blank.json()).toEqual({ error: "name: a name is required" });
  });
});

describe("worker tokens and API keys stay apart", () => {
  it("the API-keys route refuses the worker scope and lists no worker token; the worker-token list holds no other key", async () => {
    for (const scopes of [["worker"], ["predict", "worker"]]) {
      const refused = await call("ml_lead", apiKeysRoute.POST, "POST", "/api/api-keys", { body: { name: "camera", scopes } });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toMatch(/Workers page/);
    }
    expect(await env.db.apiKey.count({ where: { name: "camera" } })).toBe(0);

    const camera = await createApiKey({ name: "kiosk-camera", scopes: ["predict"], createdById: userIds.ml_lead }, env.db);
    await createWorkerToken({ name: "apart-box" }, { actorId: userIds.ml_lead }, env.db);
    const keys = apiKeyListSchema.parse(await (await call("ml_lead", apiKeysRoute.GET, "GET", "/api/api-keys")).json()).keys;
    expect(keys.map((key) => key.name)).toContain("kiosk-camera");
    expect(keys.filter((key) => key.scopes.includes("worker"))).toEqual([]);
    const tokens = await list("ml_lead");
    expect(tokens.map((token) => token.name)).toContain("apart-box");
    expect(tokens.map((token) => token.id)).not.toContain(camera.record.id);

    // Nor can the worker-token route revoke another key.
    expect((await revoke("ml_lead", camera.record.id)).status).toBe(404);
    expect((await env.db.apiKey.findUniqueOrThrow({ where: { id: camera.record.id } })).revokedAt).toBeNull();
  });
});

describe("revoking a worker token", () => {
  it("refuses the token from then on, marks it revoked in the list, is audited, and a second revoke is a 404", async () => {
    const { token, id, prefix } = await createWorkerToken({ name: "to-revoke" }, { actorId: userIds.ml_lead }, env.db);
    const answer = await revoke("admin", id);
    expect(answer.status).toBe(204);
    expect(await checkApiKey(token, "training.work", env.db)).toMatchObject({ ok: false, status: 401 });
    expect((await list("ml_lead")).find((row) => row.id === id)?.revokedAt).toEqual(expect.any(String));
    expect((await auditRows("apikey.revoked")).at(-1)).toMatchObject({ actorId: userIds.admin, target: `to-revoke (${prefix})`, detail: { id, scopes: ["worker"] } });

    const again = await revoke("admin", id);
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: string }).error).toMatch(/already revoked/);
    await expect(revokeWorkerToken("missing", { actorId: userIds.admin }, env.db)).rejects.toBeInstanceOf(WorkerTokenNotFoundError);
    expect((await revoke("admin", "not a valid id!")).status).toBe(400);
  });
});

describe("the workers behind a token", () => {
  it("lists the workers that signed in with a token, newest first, alive or not", async () => {
    const { id } = await createWorkerToken({ name: "shared-box" }, { actorId: userIds.ml_lead }, env.db);
    const now = new Date();
    await env.db.worker.create({ data: { id: "old", kind: "training", hostname: "box-a", pid: 1, status: "idle", tokenId: id, lastHeartbeatAt: new Date(now.getTime() - ALIVE_WINDOW_MS - 60_000) } });
    await env.db.worker.create({ data: { id: "new", kind: "training", hostname: "box-b", pid: 2, status: "busy", tokenId: id, lastHeartbeatAt: now } });
    await env.db.worker.create({ data: { id: "stopped", kind: "training", hostname: "box-c", pid: 3, status: "stopped", tokenId: id, lastHeartbeatAt: new Date(now.getTime() - 1_000) } });
    const row = (await listWorkerTokens(now, env.db)).find((token) => token.id === id);
    expect(row?.workers.map((w) => [w.id, w.hostname, w.alive])).toEqual([
      ["new", "box-b", true],
      ["stopped", "box-c", false],
      ["old", "box-a", false],
    ]);
  });
});
