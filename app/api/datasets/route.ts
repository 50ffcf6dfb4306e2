import { listDatasetSummaries } from "@/lib/server/datasets";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return Response.json({ datasets: await listDatasetSummaries() }, { headers: { "Cache-Control": "no-store" } });
}
