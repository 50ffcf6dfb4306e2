import { publicRoute } from "@/lib/server/auth/guard";
import { checkHealth } from "@/lib/server/health";

export const dynamic = "force-dynamic";

/** Database and worker status, public for load balancers: 200 while the database answers, 503 when it does not. */
export const GET = publicRoute(async () => {
  const report = await checkHealth();
  return Response.json(report, { status: report.status === "down" ? 503 : 200, headers: { "Cache-Control": "no-store" } });
});
