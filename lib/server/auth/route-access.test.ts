import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can, ROLES, type Permission, type Role } from "@/lib/domain/permissions";
import { discoverRoutes, type ApiRoute } from "../testing/api-routes";
import { createTestEnv, type TestEnv } from "../testing/test-env";
import { ACCESS } from "./guard";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "./sessions";
import { createUser } from "./users";

/**
 * The permission matrix as built: every API route and method, and what it needs. A route added
 * without an entry here (or without a guard) fails this test.
 */
const MATRIX: Record<string, Permission | "public"> = {
  "GET /api/health": "public",
  "POST /api/auth/login": "public",
  "POST /api/auth/setup": "public",
  "POST /api/auth/logout": "data.view",
  "GET /api/auth/me": "data.view",
  "POST /api/account/password": "data.view",
  "GET /api/datasets": "data.view",
  "POST /api/datasets/import": "datasets.import",
  "GET /api/datasets/[id]/images": "data.view",
  "GET /api/datasets/[id]/images/count": "data.view",
  "GET /api/datasets/[id]/export": "datasets.export",
  "POST /api/datasets/[id]/coco-results": "training.manage",
  "GET /api/images/[id]/thumbnail": "data.view",
  "GET /api/images/[id]/file": "data.view",
  "GET /api/images/[id]/annotations": "data.view",
  "PUT /api/images/[id]/annotations": "labels.edit",
  "GET /api/images/[id]/revisions": "data.view",
  "POST /api/images/[id]/revisions/[version]/restore": "labels.edit",
  "GET /api/images/[id]/comments": "data.view",
  "POST /api/images/[id]/comments": "comments.write",
  "POST /api/images/[id]/comments/resolve": "comments.write",
  "GET /api/users": "users.manage",
  "POST /api/users": "users.manage",
  "PATCH /api/users/[id]": "users.manage",
  "GET /api/api-keys": "apikeys.manage",
  "POST /api/api-keys": "apikeys.manage",
  "DELETE /api/api-keys/[id]": "apikeys.manage",
  "GET /api/audit": "audit.view",
  "POST /api/models/[id]/promote": "models.promote",
  "POST /api/models/rollback": "models.promote",
  "POST /api/models/onnx": "training.manage",
  "GET /api/evaluations/[id]": "data.view",
  "POST /api/evaluations/[id]/review": "labels.review",
  "POST /api/predict": "models.predict",
  "GET /api/models/[id]/files/[file]": "models.predict",
  "GET /api/monitoring": "data.view",
  "GET /api/tfjs-wasm/[file]": "models.predict",
  "GET /api/onnxruntime-web/[version]/[file]": "models.predict",
  "POST /api/monitoring/reports": "alerts.triage",
  "POST /api/monitoring/baselines": "thresholds.manage",
  "GET /api/monitoring/thresholds": "data.view",
  "PUT /api/monitoring/thresholds": "thresholds.manage",
  "GET /api/alerts": "data.view",
  "GET /api/alerts/[id]": "data.view",
  "POST /api/alerts/[id]/triage": "alerts.triage",
  "POST /api/alerts/[id]/labeling": "alerts.triage",
  "GET /api/predictions/[id]/image": "alerts.triage",
  "POST /api/v1/predict": "models.predict",
  "GET /api/v1/openapi.json": "public",
  "GET /api/training-jobs": "data.view",
  "POST /api/training-jobs": "training.manage",
  "GET /api/training-jobs/[id]": "data.view",
  "POST /api/training-jobs/[id]/cancel": "training.manage",
  "GET /api/worker-tokens": "training.work",
  "POST /api/worker-tokens": "training.work",
  "DELETE /api/worker-tokens/[id]": "training.work",
  // The remote worker API: worker tokens only (a signed-in person is refused, below).
  "POST /api/worker/claim": "training.work",
  "POST /api/worker/heartbeat": "training.work",
  "POST /api/worker/jobs/[id]/backend": "training.work",
  "GET /api/worker/jobs/[id]/checkpoint": "training.work",
  "POST /api/worker/jobs/[id]/checkpoint": "training.work",
  "POST /api/worker/jobs/[id]/finish": "training.work",
  "GET /api/worker/jobs/[id]/images/[sha256]": "training.work",
  "POST /api/worker/jobs/[id]/lease": "training.work",
  "POST /api/worker/jobs/[id]/logs": "training.work",
  "POST /api/worker/jobs/[id]/model": "training.work",
  "GET /api/worker/jobs/[id]/snapshot": "training.work",
  "POST /api/worker/jobs/[id]/test-evaluation": "training.work",
  "GET /api/worker/jobs/[id]/uploads/[uploadId]": "training.work",
  "PUT /api/worker/jobs/[id]/uploads/[uploadId]": "training.work",
  "POST /api/worker/jobs/[id]/uploads": "training.work",
  "POST /api/worker/register": "training.work",
};

/** Routes for machines holding a worker token: a browser session, whatever its role, gets 403. */
const WORKER_TOKEN_ONLY = (route: ApiRoute) => route.pattern.startsWith("/api/worker/");


let env: TestEnv;
let routes: ApiRoute[];
const userIds = {} as Record<Role, string>;

beforeAll(async () => {
  env = await createTestEnv();
  routes = await discoverRoutes((name) => (name === "version" ? "1" : "missing-record"));
  for (const role of ROLES) userIds[role] = (await createUser({ email: `${role}@example.com`, name: role, role, password: "a long enough password" }, env.db)).id;
});
afterAll(async () => env.cleanup());

async function call(route: ApiRoute, auth: { token?: string; csrf?: string | null; origin?: string | null }): Promise<Response> {
  const headers = new Headers({ "Content-Type": "application/json" });
  if (auth.token) headers.set("Cookie", `${SESSION_COOKIE}=${auth.token}`);
  if (route.method !== "GET") {
    if (auth.origin !== null) headers.set("Origin", auth.origin ?? "http://localhost");
    if (auth.csrf !== null && auth.token) headers.set("X-CSRF-Token", auth.csrf ?? csrfTokenFor(auth.token));
  }
  const body = route.method === "GET" ? undefined : "{}";
  return route.handler(new Request(route.url, { method: route.method, headers, body }), { params: Promise.resolve(route.params) });
}

async function sessionOf(role: Role): Promise<string> {
  return (await createSession(userIds[role], env.db)).token;
}

describe("every API route declares its access, and the declaration is the matrix", () => {
  it("each exported method is wrapped by guarded() or publicRoute() with the permission the matrix names", () => {
    const declared = Object.fromEntries(
      routes.map((r) => {
        const access = r.handler[ACCESS];
        return [r.key, access === undefined ? "UNGUARDED" : "public" in access ? "public" : access.permission];
      }),
    );
    expect(declared).toEqual(MATRIX);
  });
});

describe("signed out", () => {
  it("every guarded route answers 401 and leaks nothing", async () => {
    for (const route of routes.filter((r) => MATRIX[r.key] !== "public")) {
      const response = await call(route, {});
      expect({ route: route.key, status: response.status }).toEqual({ route: route.key, status: 401 });
      expect(await response.json()).toEqual({ error: "sign in first" });
    }
  });
});

describe("each role × each guarded route", () => {
  for (const role of ROLES) {
    it(`${role}: allowed routes run, the others answer 403`, async () => {
      for (const route of routes.filter((r) => MATRIX[r.key] !== "public")) {
        const permission = MATRIX[route.key] as Permission;
        const response = await call(route, { token: await sessionOf(role) });
        if (WORKER_TOKEN_ONLY(route)) {
          expect({ route: route.key, status: response.status }).toEqual({ route: route.key, status: 403 });
          continue;
        }
        // Allowed: the handler ran and judged the (empty) input itself: 400/404, or 503 from the
        // prediction API with no model; never 401/403, never a crash.
        if (can(role, permission)) expect({ route: route.key, status: response.status }).toEqual({ route: route.key, status: expect.toSatisfy((s: number) => s < 500 ? s !== 401 && s !== 403 : s === 503) });
        else expect({ route: route.key, status: response.status }).toEqual({ route: route.key, status: 403 });
      }
    });
  }
});

describe("cross-site request forgery", () => {
  it("a state-changing request without the CSRF token, with a wrong one, or from another origin is refused", async () => {
    const route = routes.find((r) => r.key === "POST /api/users")!;
    const token = await sessionOf("admin");
    expect((await call(route, { token, csrf: null })).status).toBe(403);
    expect((await call(route, { token, csrf: csrfTokenFor(await sessionOf("admin")) })).status).toBe(403);
    expect((await call(route, { token, origin: "https://evil.example" })).status).toBe(403);
    // The same request done right reaches validation (400: the body is empty).
    expect((await call(route, { token })).status).toBe(400);
  });

  it("the public sign-in refuses a cross-site POST (login CSRF)", async () => {
    const route = routes.find((r) => r.key === "POST /api/auth/login")!;
    expect((await call(route, { origin: "https://evil.example" })).status).toBe(403);
  });
});
