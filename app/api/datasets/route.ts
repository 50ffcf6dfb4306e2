import { guarded } from "@/lib/server/auth/guard";
import { listDatasetSummaries } from "@/lib/server/datasets/datasets";

export const dynamic = "force-dynamic";

export const GET = guarded("data.view", async () => Response.json({ datasets: await listDatasetSummaries() }, { headers: { "Cache-Control": "no-store" } }));
