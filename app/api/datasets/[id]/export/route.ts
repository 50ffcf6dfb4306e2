import { Readable } from "node:stream";
import { EXPORT_FORMATS, isExportFormat } from "@/lib/domain/export-formats";
import { parseImageFilter } from "@/lib/domain/image-filter";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { HttpError } from "@/lib/server/platform/http";
import { firstIssue } from "@/lib/domain/validation-message";
import { attachmentDisposition, openDatasetExport } from "@/lib/server/datasets/dataset-export";

export const dynamic = "force-dynamic";

/**
 * Download a dataset, or the images matching the filter parameters, as a zip:
 * ?format=voc|coco|yolo plus the image filter (split, className, labelStatus, …).
 * 400: unknown format or invalid filter; 404: unknown dataset. The zip is streamed as it is made.
 * Also open to API keys with the `export` scope, for pipelines that pull a dataset.
 */
export const GET = guarded<{ id: string }>(
  "datasets.export",
  async (request, { params, actor, ip }) => {
    const { id } = params;
    const search = new URL(request.url).searchParams;
    const format = search.get("format");
    if (!isExportFormat(format)) {
      return Response.json({ error: `format must be one of ${EXPORT_FORMATS.join(", ")}` }, { status: 400 });
    }
    const filter = parseImageFilter(search);
    if (!filter.success) throw new HttpError(400, firstIssue(filter.error));
    const exported = await openDatasetExport({ datasetId: id, format, filter: filter.data }); // unknown dataset: 404 from the responder
    await audit("dataset.exported", { actorId: actorUserId(actor), target: exported.fileName, detail: { datasetId: id, format, viaApiKey: actor.kind === "apiKey" }, ip });
    return new Response(Readable.toWeb(exported.stream) as ReadableStream<Uint8Array>, {
      headers: {
        "Content-Type": exported.contentType,
        "Content-Disposition": attachmentDisposition(exported.fileName),
        "Cache-Control": "no-store",
      },
    });
  },
  { apiKey: true },
);
