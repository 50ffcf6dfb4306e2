import { randomUUID } from "node:crypto";
import { IMPORT_PROGRESS_MEDIA_TYPE, importStreamEventSchema, type ImportResult, type ImportStreamEvent } from "@/lib/contracts/http/datasets";
import { throttleProgress, type ImportProgressListener, type ServerImportPhase } from "@/lib/domain/import-progress";
import { mediaTypeOf } from "@/lib/domain/media-type";
import { DomainError } from "../platform/errors";
import type { ImportSummary } from "./voc-import";

/** How often, at most, a progress line is sent within one phase. */
const PROGRESS_INTERVAL_MS = 100;

/** The 200 answer to an import: its counts, the findings counted (they are listed on the run's page). */
export function importResultOf(summary: ImportSummary): ImportResult {
  const { issues, ...rest } = summary;
  return { ...rest, issueCount: issues.length };
}

/** Whether the client asked to follow the import as it runs (`Accept: application/x-ndjson`). */
export function wantsImportProgress(request: Request): boolean {
  return (request.headers.get("accept") ?? "").split(",").some((type) => mediaTypeOf(type) === IMPORT_PROGRESS_MEDIA_TYPE);
}

/**
 * Answers at once with an NDJSON stream (importStreamEventSchema) and runs the import behind it:
 * progress lines, then the result or the failure the plain JSON answer would have given. A client
 * that goes away does not stop the import: it runs to its end, committing everything or nothing
 * as always, and its report waits on the dataset's Imports tab.
 */
export function streamImportProgress(run: (onProgress: ImportProgressListener) => Promise<ImportResult>): Response {
  const encoder = new TextEncoder();
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: ImportStreamEvent) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        } catch {
          open = false; // the client is gone; the import goes on without it
        }
      };
      const progress = throttleProgress<{ phase: ServerImportPhase; done: number; total: number }>((p) => send({ type: "progress", ...p }), PROGRESS_INTERVAL_MS);
      void run((done, total, phase) => progress({ phase, done, total }))
        .then(
          (result) => send({ type: "done", result }),
          (error: unknown) => send(failureEvent(error)),
        )
        .finally(() => {
          if (!open) return;
          open = false;
          controller.close();
        });
    },
    cancel() {
      open = false;
    },
  });
  // no-transform: a compressing proxy (or Next's own gzip) would hold the lines back until the end.
  return new Response(stream, { headers: { "Content-Type": `${IMPORT_PROGRESS_MEDIA_TYPE}; charset=utf-8`, "Cache-Control": "no-store, no-transform", "X-Accel-Buffering": "no" } });
}

/** What the one responder would have answered, as the stream's last line (the stream's own status is already 200). */
function failureEvent(error: unknown): ImportStreamEvent {
  // The details (an import's findings) are read through the contract, as the client will read them.
  if (error instanceof DomainError) return importStreamEventSchema.parse({ ...error.details, type: "failed", status: error.status, error: error.message });
  const reference = randomUUID().slice(0, 8);
  console.error(`[${reference}]`, error);
  return { type: "failed", status: 500, error: "internal error", reference };
}
