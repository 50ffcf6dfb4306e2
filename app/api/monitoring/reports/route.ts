import { windowSchema } from "@/lib/contracts/http/monitoring";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { onDemandDriftReport } from "@/lib/server/monitoring/drift-reports";

export const dynamic = "force-dynamic";

/** POST { from, to } → a drift report of the production model for that window, on demand (it raises no alerts). */
export const POST = guarded("alerts.triage", async (request) => {
  const window = await readJson(request, windowSchema);
  const result = await onDemandDriftReport(window);
  return Response.json({ reportId: result.reportId, computeMs: result.computeMs, ...result.evaluation });
});
