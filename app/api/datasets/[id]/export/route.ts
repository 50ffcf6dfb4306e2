import { Readable } from "node:stream";
import { parseImageFilter } from "@/lib/domain/image-filter";
import { attachmentDisposition, DatasetNotFoundError, EXPORT_FORMATS, isExportFormat, openDatasetExport } from "@/lib/server/dataset-export";

export const dynamic = "force-dynamic";

/**
 * Download a dataset, or the images matching the filter parameters, as a zip:
 * ?format=voc|coco|yolo plus the image filter (split, className, labelStatus, …).
 * 400: unknown format or invalid filter; 404: unknown dataset. The zip is streamed as it is made.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const search = new URL(request.url).searchParams;
  const format = search.get("format");
  if (!isExportFormat(format)) {
    return Response.json({ error: `format must be one of ${EXPORT_FORMATS.join(", ")}` }, { status: 400 });
  }
  const filter = parseImageFilter(search);
  if (!filter.success) {
    const issue = filter.error.issues[0]!;
    return Response.json({ error: `${issue.path.join(".")}: ${issue.message}` }, { status: 400 });
  }
  try {
    const exported = await openDatasetExport({ datasetId: id, format, filter: filter.data });
    return new Response(Readable.toWeb(exported.stream) as ReadableStream<Uint8Array>, {
      headers: {
        "Content-Type": exported.contentType,
        "Content-Disposition": attachmentDisposition(exported.fileName),
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof DatasetNotFoundError) return Response.json({ error: error.message }, { status: 404 });
    throw error;
  }
}
