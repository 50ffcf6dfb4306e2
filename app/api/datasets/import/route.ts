import { importBrowserUpload } from "@/lib/server/datasets/dataset-upload";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";

export const dynamic = "force-dynamic";
export const maxDuration = 900;

/**
 * Upload a Pascal VOC dataset (one .zip, or the files of a folder with their relative paths as
 * file names) and import it. 200: the import summary; 422: nothing importable, with the findings.
 */
export const POST = guarded("datasets.import", async (request, { actor, ip }) => {
  const { name, summary } = await importBrowserUpload(request.body, request.headers.get("content-type") ?? "", numberOrNull(request.headers.get("content-length")));
  await audit("dataset.imported", { actorId: actorUserId(actor), target: name, detail: { datasetId: summary.datasetId, imagesAdded: summary.imagesAdded }, ip });
  const { issues, ...rest } = summary;
  return Response.json({ ...rest, issueCount: issues.length });
});

function numberOrNull(value: string | null): number | null {
  const n = Number(value);
  return value !== null && Number.isFinite(n) ? n : null;
}
