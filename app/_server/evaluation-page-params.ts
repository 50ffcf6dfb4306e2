import { notFound } from "next/navigation";
import { recordIdSchema } from "@/lib/domain/record-id";

/** An evaluation page's id (404 when malformed) and the confidence the URL carries (?conf=0.40), if valid. */
export async function evaluationPageParams(params: Promise<{ id: string }>, searchParams: Promise<Record<string, string | string[] | undefined>>) {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) notFound();
  const raw = (await searchParams).conf;
  const conf = typeof raw === "string" ? Number(raw) : NaN;
  return { id: id.data, confidence: Number.isFinite(conf) && conf >= 0 && conf <= 1 ? conf : null };
}
