import { afterEach, describe, expect, it, vi } from "vitest";
import type { StoredAnnotations } from "@/lib/contracts/http/labels";
import { UploadRejectedError } from "../datasets/dataset-upload";
import { ImportFailedError, type ImportIssueRecord } from "../datasets/voc-import";
import { ZipRejectedError } from "../datasets/zip-extract";
import { EvaluationNotFoundError } from "../evaluation/evaluation-views";
import { ImageProbeError } from "../images/image-probe";
import { AnnotationConflictError, AnnotationNotFoundError, InvalidAnnotationError, LabelStatusRefusedError } from "../labels/annotations";
import { CommentTargetError } from "../labels/review-comments";
import { ModelNotFoundError, NothingToRollBackError } from "../models/model-registry";
import { AlertNotFoundError, AlertTransitionError } from "../monitoring/alerts";
import { BaselineError, NothingMonitoredError } from "../monitoring/baselines";
import { LabelingBatchError } from "../monitoring/send-to-labeling";
import { ThresholdError } from "../monitoring/thresholds";
import { HttpError } from "../platform/http";
import { DatasetNotFoundError, NotFoundError } from "../platform/not-found";
import { ModelLoadError, NoProductionModelError, UnknownModelError } from "../serving/model-server";
import { JobNotFoundError } from "../training/job-queue";
import { TrainingRequestError } from "../training/training-jobs";
import { publicRoute } from "./guard";
import { SetupError } from "./setup";
import { EmailTakenError, LastAdminError, UnknownUserError } from "./users";

/** What the one responder answers when a handler throws `error`. */
async function answerTo(error: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const route = publicRoute(async () => {
    throw error;
  });
  const response = await route(new Request("http://localhost/api/x"), { params: Promise.resolve({}) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

afterEach(() => vi.restoreAllMocks());

describe("the one responder", () => {
  const cases: Array<[string, Error, number]> = [
    ["HttpError", new HttpError(415, "send an image"), 415],
    ["NotFoundError", new NotFoundError("unknown training job"), 404],
    ["DatasetNotFoundError", new DatasetNotFoundError("d1"), 404],
    ["JobNotFoundError", new JobNotFoundError("j1"), 404],
    ["EvaluationNotFoundError", new EvaluationNotFoundError("unknown evaluation"), 404],
    ["AlertNotFoundError", new AlertNotFoundError("no alert a1"), 404],
    ["ModelNotFoundError", new ModelNotFoundError("unknown model version"), 404],
    ["UnknownModelError", new UnknownModelError('no model version "nope"'), 404],
    ["AnnotationNotFoundError", new AnnotationNotFoundError("unknown image"), 404],
    ["CommentTargetError", new CommentTargetError("no image i1"), 404],
    ["UnknownUserError", new UnknownUserError(), 404],
    ["InvalidAnnotationError", new InvalidAnnotationError("box 1 lies outside the image"), 400],
    ["ThresholdError", new ThresholdError("thresholds must be positive, with drift ≥ warning"), 400],
    ["TrainingRequestError", new TrainingRequestError("unknown dataset"), 400],
    ["UploadRejectedError 400", new UploadRejectedError("no files in the upload", 400), 400],
    ["UploadRejectedError 413", new UploadRejectedError("the upload is over the limit", 413), 413],
    ["UploadRejectedError 415", new UploadRejectedError("send the dataset as multipart/form-data", 415), 415],
    ["ImageProbeError (unreadable)", new ImageProbeError("image-unreadable", "not a readable image"), 400],
    ["ImageProbeError (too large)", new ImageProbeError("image-too-large", "over the byte limit"), 413],
    ["ImageProbeError (too many pixels)", new ImageProbeError("image-too-many-pixels", "over the pixel limit"), 413],
    ["SetupError", new SetupError("this setup link is invalid or has expired"), 403],
    ["LabelStatusRefusedError (not a reviewer)", new LabelStatusRefusedError({ ok: false, refusal: "not-a-reviewer", message: "only reviewers may mark labels reviewed" }), 403],
    ["LabelStatusRefusedError (not unlabeled)", new LabelStatusRefusedError({ ok: false, refusal: "not-unlabeled", message: "pre-labels only fill unlabeled images" }), 409],
    ["AlertTransitionError", new AlertTransitionError("cannot reopen an alert that is open"), 409],
    ["NothingToRollBackError", new NothingToRollBackError("no model is in production"), 409],
    ["NothingMonitoredError", new NothingMonitoredError("no model is in production"), 409],
    ["EmailTakenError", new EmailTakenError("a@example.com"), 409],
    ["LastAdminError", new LastAdminError(), 409],
    ["BaselineError", new BaselineError("the window has no logged predictions of this model"), 422],
    ["LabelingBatchError", new LabelingBatchError("select at least one image to send"), 422],
    ["ZipRejectedError", new ZipRejectedError("not a readable zip file"), 422],
    ["NoProductionModelError", new NoProductionModelError("no model version is in production yet"), 503],
    ["ModelLoadError", new ModelLoadError("m v1 cannot be loaded"), 503],
  ];

  it.each(cases)("%s answers its own status with its message", async (_name, error, status) => {
    const answer = await answerTo(error);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: error.message });
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });

  it("keeps a conflict's payload: a 409 carries what is stored now", async () => {
    const current: StoredAnnotations = { version: 7, set: { labelStatus: "labeled", boxes: [] } };
    const answer = await answerTo(new AnnotationConflictError(current));
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({ error: "the labels were changed by someone else (now version 7); merge or reload", current });
  });

  it("lists a failed import's findings, at most 500 of them", async () => {
    const issues: ImportIssueRecord[] = Array.from({ length: 600 }, (_, n) => ({ file: `Annotations/${n}.xml`, severity: "error", code: "xml-malformed", message: "not XML" }));
    const answer = await answerTo(new ImportFailedError("nothing could be imported", issues));
    expect(answer.status).toBe(422);
    expect(answer.body.error).toBe("nothing could be imported");
    expect(answer.body.issues).toHaveLength(500);
  });

  it("sends the headers an error asks for", async () => {
    const answer = await answerTo(new HttpError(429, "too many prediction requests: slow down", {}, { "Retry-After": "12" }));
    expect(answer.status).toBe(429);
    expect(answer.headers.get("retry-after")).toBe("12");
  });

  it("answers anything else with a bare 500 and a reference to the server log, never the message", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const answer = await answerTo(new Error("SQLITE_BUSY at /data/masklab.db"));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ error: "internal error", reference: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(logged).toHaveBeenCalledWith(`[${answer.body.reference as string}]`, expect.any(Error));
  });
});
