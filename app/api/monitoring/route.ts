import { z } from "zod";
import { guarded } from "@/lib/server/auth/guard";
import { parseOrThrow } from "@/lib/server/platform/http";
import { monitoringDashboard } from "@/lib/server/monitoring/dashboard";

export const dynamic = "force-dynamic";

const querySchema = z.object({ hours: z.coerce.number().int().min(1).max(24 * 90).default(24) });

/** GET ?hours=24 → the drift dashboard of the production model (baseline, latest report, series, volume, thresholds, alert counts). */
export const GET = guarded("data.view", async (request) => {
  const { hours } = parseOrThrow(querySchema, Object.fromEntries(new URL(request.url).searchParams), "query");
  return Response.json(await monitoringDashboard({ hours }));
});
