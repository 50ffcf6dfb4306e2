import { datasetNameSchema, parseClassMap } from "@/lib/domain/dataset-name";
import { discardUpload, importUpload, receiveUpload, UploadRejectedError } from "@/lib/server/datasets/dataset-upload";
import { ImportFailedError } from "@/lib/server/datasets/voc-import";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { ZipRejectedError } from "@/lib/server/datasets/zip-extract";

export const dynamic = "force-dynamic";
export const maxDuration = 900;

/**
 * Upload a Pascal VOC dataset (one .zip, or the files of a folder with their relative paths as
 * file names) and import it. 200: the import summary; 422: nothing importable, with the findings.
 */
export const POST = guarded("datasets.import", async (request, { actor, ip }) => {
  if (!request.body) return Response.json({ error: "the request has no body" }, { status: 400 });
  let upload;
  try {
    upload = await receiveUpload(request.body, request.headers.get("content-type") ?? "", numberOrNull(request.headers.get("content-length")));
  } catch (error) {
    if (error instanceof UploadRejectedError) return Response.json({ error: error.message }, { status: error.status });
    if (error instanceof ZipRejectedError) return Response.json({ error: error.message }, { status: 422 });
    throw error;
  }
  const name = datasetNameSchema.safeParse(upload.fields.name ?? "");
  const classMap = parseClassMap(upload.fields.classMap ?? "");
  if (!name.success || !classMap.ok) {
    await discardUpload(upload);
    return Response.json({ error: !name.success ? name.error.issues[0]!.message : (classMap as { error: string }).error }, { status: 400 });
  }
  try {
    const summary = await importUpload(upload, { name: name.data, classMap: classMap.map });
    const { issues, ...rest } = summary;
    await audit("dataset.imported", { actorId: actorUserId(actor), target: name.data, detail: { datasetId: summary.datasetId, imagesAdded: summary.imagesAdded }, ip });
    return Response.json({ ...rest, issueCount: issues.length });
  } catch (error) {
    if (error instanceof ImportFailedError) {
      return Response.json({ error: error.message, issues: error.issues.slice(0, 500) }, { status: 422 });
    }
    throw error;
  }
});

function numberOrNull(value: string | null): number | null {
  const n = Number(value);
  return value !== null && Number.isFinite(n) ? n : null;
}
