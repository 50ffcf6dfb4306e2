import { checkHealth } from "@/lib/server/health";

export const dynamic = "force-dynamic";

/** Database and worker status: 200 while the database answers, 503 when it does not. */
export async function GET(): Promise<Response> {
  const report = await checkHealth();
  return Response.json(report, { status: report.status === "down" ? 503 : 200, headers: { "Cache-Control": "no-store" } });
}
