import { publicRoute } from "@/lib/server/auth/guard";
import { findSession, sessionTokenFromCookieHeader } from "@/lib/server/auth/sessions";
import { checkHealth } from "@/lib/server/platform/health";

export const dynamic = "force-dynamic";

/**
 * Database and worker status, public for load balancers: 200 while the database answers, 503
 * when it does not. The worker list (host names, process ids) is for signed-in people only.
 */
export const GET = publicRoute(async (request) => {
  const report = await checkHealth();
  const token = sessionTokenFromCookieHeader(request.headers.get("cookie"));
  const signedIn = token ? (await findSession(token)) !== null : false;
  const body = signedIn ? report : { ...report, workers: { alive: report.workers.alive, list: [] } };
  return Response.json(body, { status: report.status === "down" ? 503 : 200, headers: { "Cache-Control": "no-store" } });
});
