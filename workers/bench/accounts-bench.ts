import { GET as datasetsRoute } from "@/app/api/datasets/route";
import { login } from "@/lib/server/auth/login";
import { hashPassword, verifyPassword } from "@/lib/server/auth/passwords";
import { resetLimiters } from "@/lib/server/auth/rate-limit";
import { createSession, SESSION_COOKIE } from "@/lib/server/auth/sessions";
import { createUser } from "@/lib/server/auth/users";
import { listDatasetSummaries } from "@/lib/server/datasets/datasets";
import { percentile, round, timeRuns, withBenchEnv, type BenchRow } from "./bench-row";

/** What accounts cost: the deliberate price of argon2id, and the per-request price of the guard. */
export async function accountsBenchmarks(): Promise<BenchRow[]> {
  return withBenchEnv("accounts", async ({ db }) => {
    const rows: BenchRow[] = [];
    const password = "bench password, long enough";
    const hashTimes = await timeRuns(() => hashPassword(password), 10, 1);
    rows.push({ benchmark: "accounts: hash a password (argon2id)", value: round(percentile(hashTimes, 50)), unit: "ms p50", notes: "argon2id m=19 MiB, t=2, p=1: OWASP's minimum, per guess" });
    const hash = await hashPassword(password);
    const verifyTimes = await timeRuns(() => verifyPassword(hash, password), 10, 1);
    rows.push({ benchmark: "accounts: verify a password", value: round(percentile(verifyTimes, 50)), unit: "ms p50", notes: "the bulk of a sign-in" });

    const user = await createUser({ email: "bench@example.com", name: "Bench", role: "annotator", password }, db);
    await resetLimiters();
    const loginTimes = await timeRuns(() => login(user.email, password, "127.0.0.1", db), 10, 1);
    rows.push({ benchmark: "accounts: sign in (verify + new session + audit)", value: round(percentile(loginTimes, 50)), unit: "ms p50", notes: `p95 ${round(percentile(loginTimes, 95))} ms over 10` });

    // The guard's overhead: the same handler work through the route (session lookup, permission) vs called directly.
    const { token } = await createSession(user.id, db);
    // The route handler uses the process-wide client: point it at the bench database.
    (globalThis as { masklabDb?: typeof db }).masklabDb = db;
    const request = () => new Request("http://localhost/api/datasets", { headers: { Cookie: `${SESSION_COOKIE}=${token}` } });
    const guardedTimes = await timeRuns(() => datasetsRoute(request(), { params: Promise.resolve({}) }), 200, 20);
    const directTimes = await timeRuns(() => listDatasetSummaries(db), 200, 20);
    const overhead = percentile(guardedTimes, 50) - percentile(directTimes, 50);
    (globalThis as { masklabDb?: typeof db }).masklabDb = undefined;
    rows.push({ benchmark: "accounts: guard overhead per API request", value: round(overhead, 2), unit: "ms p50", notes: `guarded ${round(percentile(guardedTimes, 50), 2)} ms vs direct ${round(percentile(directTimes, 50), 2)} ms (session lookup + permission + JSON)` });
    return rows;
  });
}
