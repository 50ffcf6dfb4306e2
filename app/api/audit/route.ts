import { z } from "zod";
import { AUDIT_ACTIONS, listAudit } from "@/lib/server/auth/audit";
import { guarded } from "@/lib/server/auth/guard";
import { parseOrThrow } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  before: z.iso.datetime().optional(),
  take: z.coerce.number().int().min(1).max(500).optional(),
});

/** GET ?action=&before=&take= → { entries }, newest first. */
export const GET = guarded("audit.view", async (request) => {
  const query = parseOrThrow(querySchema, Object.fromEntries(new URL(request.url).searchParams), "query");
  const entries = await listAudit({ action: query.action, before: query.before ? new Date(query.before) : undefined, take: query.take });
  return Response.json({ entries }, { headers: { "Cache-Control": "no-store" } });
});
