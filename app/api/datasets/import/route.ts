import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { contentLengthOf } from "@/lib/server/platform/http";
import { importBrowserUpload, receiveBrowserUpload } from "@/lib/server/datasets/dataset-upload";
import { importResultOf, streamImportProgress, wantsImportProgress } from "@/lib/server/datasets/import-answer";
import type { ImportProgressListener } from "@/lib/domain/import-progress";

export const dynamic = "force-dynamic";
export const maxDuration = 900;

/**
 * Upload a Pascal VOC dataset (one .zip, or the files of a folder with their relative paths as
 * file names) and import it. 200: the import summary; 422: nothing importable, with the findings.
 * With `Accept: application/x-ndjson` the answer, once the upload is received, is a stream of
 * progress lines ending in the summary or the failure (lib/contracts/http/datasets.ts).
 */
export const POST = guarded("datasets.import", async (request, { actor, ip }) => {
  const received = await receiveBrowserUpload(request.body, request.headers.get("content-type") ?? "", contentLengthOf(request));
  const importIt = async (onProgress?: ImportProgressListener) => {
    const summary = await importBrowserUpload(received, { onProgress });
    await audit("dataset.imported", { actorId: actorUserId(actor), target: received.name, detail: { datasetId: summary.datasetId, imagesAdded: summary.imagesAdded }, ip });
    return importResultOf(summary);
  };
  return wantsImportProgress(request) ? streamImportProgress(importIt) : Response.json(await importIt());
});

