import { alertFilterSchema } from "@/lib/contracts/http/monitoring";
import { guarded } from "@/lib/server/auth/guard";
import { parseOrThrow } from "@/lib/server/platform/http";
import { listAlerts } from "@/lib/server/monitoring/alerts";

export const dynamic = "force-dynamic";

/** GET ?status&severity&feature&assigneeId → alerts, newest first. */
export const GET = guarded("data.view", async (request) => {
  const filters = parseOrThrow(alertFilterSchema, Object.fromEntries(new URL(request.url).searchParams), "query");
  return Response.json(await listAlerts(filters));
});
