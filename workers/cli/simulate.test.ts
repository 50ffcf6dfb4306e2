import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as predictRoute from "@/app/api/v1/predict/route";
import { createApiKey } from "@/lib/server/auth/api-keys";
import { limiters, RateLimiter, resetLimiters } from "@/lib/server/auth/rate-limit";
import { createUser } from "@/lib/server/auth/users";
import { promoteModelVersion } from "@/lib/server/models/model-registry";
import { runCli } from "@/lib/server/testing/run-cli";
import { registerServedModel } from "@/lib/server/testing/served-model";
import { createSampleTestEnv, type SampleTestEnv } from "@/lib/server/testing/test-env";

/**
 * npm run simulate as a real process against the real prediction route behind a real HTTP server,
 * with a tight limit (4 predictions per 2 s) so pacing and Retry-After show within seconds.
 */
let env: SampleTestEnv;
let http: Server;
let url: string;
let key: string;
let keyId: string;
/** what the server answered, in order, and when */
let answers: Array<{ status: number; at: number; retryAfter: string | null }>;
/** runs before the real route sees a request: stands in for other traffic under the same key */
let beforeRoute: () => Promise<void> | void;

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 6, seed: 13 });
  await promoteModelVersion((await registerServedModel(env.summary.datasetId, env)).id, { db: env.db });
  const owner = await createUser({ email: "sim@example.com", name: "Sim", role: "ml_lead", password: "a long enough password" }, env.db);
  const created = await createApiKey({ name: "simulator", scopes: ["predict"], createdById: owner.id }, env.db);
  key = created.key;
  keyId = created.record.id;
  http = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await beforeRoute();
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
    const response = await (predictRoute.POST as unknown as Handler)(request, { params: Promise.resolve({}) });
    answers.push({ status: response.status, at: Date.now(), retryAfter: response.headers.get("retry-after") });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  http?.close();
  await env?.cleanup();
});
beforeEach(async () => {
  await resetLimiters();
  limiters().predictionsPerCaller = new RateLimiter("predictionsPerCaller", 4, 2_000);
  answers = [];
  beforeRoute = () => {};
});

const simulate = (...args: string[]) => runCli("simulate", ["--dataset", "sample", "--url", url, "--key", key, ...args], env.dir);

describe("npm run simulate under the server's rate limit", () => {
  it("paces itself under the limit the server names instead of running into it (10/s asked, 4 per 2 s allowed)", async () => {
    const started = Date.now();
    const run = await simulate("--minutes", "0.02", "--rate", "10"); // 12 requests
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/the server allows 4 predictions per 2 s: pacing at 1\.80\/s/);
    expect(run.stdout).toMatch(/done: 12\/12 predictions logged/);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(12);
    // Paced, not retried into shape: at most a stray 429 from scheduling jitter on a busy machine.
    expect(answers.filter((a) => a.status === 429).length).toBeLessThanOrEqual(1);
    expect(Date.now() - started).toBeGreaterThan(5_500); // 11 gaps of 1/1.8 s
    expect(await env.db.prediction.count({ where: { source: "sim-cam" } })).toBe(12);
  }, 120_000);

  it("waits out a 429's Retry-After and retries, when the key's budget is already spent", async () => {
    let spent = false;
    beforeRoute = async () => {
      if (spent) return;
      spent = true;
      for (let i = 0; i < 4; i++) await limiters().predictionsPerCaller.hit(`key:${keyId}`);
    };
    const run = await simulate("--minutes", "0.05", "--rate", "1", "--source", "retry-cam"); // 3 requests
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/done: 3\/3 predictions logged .*1 rate-limited answers waited out/);
    const [refused, next] = answers;
    expect(refused).toMatchObject({ status: 429, retryAfter: expect.stringMatching(/^[12]$/) });
    expect(next!.status).toBe(200);
    expect(next!.at - refused!.at).toBeGreaterThanOrEqual(Number(refused!.retryAfter) * 1000 - 50);
    expect(await env.db.prediction.count({ where: { source: "retry-cam" } })).toBe(3);
  }, 120_000);

  it("gives up on a request after --retries refusals and exits 1, never looping for ever", async () => {
    beforeRoute = async () => {
      for (let i = 0; i < 4; i++) await limiters().predictionsPerCaller.hit(`key:${keyId}`);
    };
    const run = await simulate("--minutes", "0.01", "--rate", "1", "--retries", "2", "--source", "doomed-cam"); // 1 request
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/request 1: 429 .*too many prediction requests/);
    expect(answers.map((a) => a.status)).toEqual([429, 429, 429]);
    expect(run.stdout).toMatch(/done: 0\/1 predictions logged/);
  }, 120_000);
});
