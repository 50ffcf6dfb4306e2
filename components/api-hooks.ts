"use client";

import { useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { apiKeyListSchema, createdApiKeySchema, signedInSchema, userAnswerSchema, userListSchema } from "@/lib/contracts/http/accounts";
import {
  IMPORT_PROGRESS_MEDIA_TYPE,
  importRejectionSchema,
  importResultSchema,
  importStreamEventSchema,
  type ImportFinding,
  type ImportResult,
  type ImportStreamEvent,
} from "@/lib/contracts/http/datasets";
import { evaluationViewSchema, sendToReviewResultSchema, type sendToReviewSchema } from "@/lib/contracts/http/evaluation";
import { cocoResultsRejectionSchema, externalEvaluationSchema, type ExternalEvaluation } from "@/lib/contracts/http/coco-results";
import { healthReportSchema, type HealthReport } from "@/lib/contracts/http/health";
import { imageCountSchema, imagePageSchema, type ImagePage } from "@/lib/contracts/http/images";
import { apiErrorSchema, AnswerMismatchError, parseAnswer } from "@/lib/contracts/http/json";
import {
  annotationConflictSchema,
  type commentInputSchema,
  newReviewCommentSchema,
  resolvedCommentsSchema,
  reviewCommentListSchema,
  revisionListSchema,
  savedAnnotationsSchema,
  storedAnnotationsSchema,
  type SaveLabelsResult,
  type StoredAnnotations,
} from "@/lib/contracts/http/labels";
import { promotionSchema } from "@/lib/contracts/http/models";
import { onnxRegistrationSchema, type OnnxRegistration } from "@/lib/contracts/http/onnx-models";
import {
  alertDetailSchema,
  alertListSchema,
  alertWithTimelineSchema,
  baselineCreatedSchema,
  driftReportAnswerSchema,
  labelingBatchResultSchema,
  monitoringDashboardSchema,
  thresholdRowListSchema,
  type MonitoringDashboardView,
  type sendToLabelingSchema,
  type thresholdSchema,
  type TriageStep,
} from "@/lib/contracts/http/monitoring";
import { cancelResultSchema, launchedTrainingJobSchema, trainingJobDetailSchema, type TrainingJobDetail } from "@/lib/contracts/http/training";
import { createdWorkerTokenSchema, workerTokenListSchema, type createWorkerTokenSchema } from "@/lib/contracts/http/worker-tokens";
import type { changePasswordSchema, createApiKeySchema, createUserSchema, loginSchema, setupSchema, updateUserSchema } from "@/lib/domain/account-schema";
import type { SaveAnnotationsInput } from "@/lib/domain/annotation-schema";
import type { EditorBox } from "@/lib/domain/editor-commands";
import { imageFilterToParams, type ImageFilter } from "@/lib/domain/image-filter";
import type { ImportProgress } from "@/lib/domain/import-progress";
import { isFinishedJobStatus, type JobKind } from "@/lib/domain/states";

/**
 * Every client-side call to our API goes through this file, and every answer is read through its
 * contract (lib/contracts/http), so a server that drifts from it fails loudly, naming the endpoint.
 * State-changing requests echo the CSRF cookie in X-CSRF-Token (the server refuses them
 * otherwise); a 401 means the session ended, so the browser goes to the sign-in page and comes
 * back here afterwards.
 */
async function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json");
  const method = (init.method ?? "GET").toUpperCase();
  if (method !== "GET" && method !== "HEAD") headers.set("X-CSRF-Token", readCookie("masklab_csrf") ?? "");
  const response = await fetch(url, { ...init, headers, credentials: "same-origin" });
  if (response.status === 401 && !url.startsWith("/api/auth/")) goToSignIn();
  return response;
}

/** The session ended: to the sign-in page, which brings the user back here afterwards. */
function goToSignIn(): void {
  window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

/**
 * POSTs a multipart form with XMLHttpRequest, since fetch cannot measure an upload: `onUploaded`
 * hears the bytes sent, `onAnswerProgress` each chunk of the answer as it arrives (a streamed
 * answer), and the promise gives the status and the answer's text once it has all come (a 401
 * also goes to sign-in). It rejects only when the connection is lost, with `lostConnection`.
 */
function postFormWithProgress(
  url: string,
  form: FormData,
  options: { accept: string; onUploaded: (done: number, total: number | null) => void; onAnswerProgress?: (xhr: XMLHttpRequest) => void; lostConnection: () => Error },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", options.accept);
    xhr.setRequestHeader("X-CSRF-Token", readCookie("masklab_csrf") ?? "");
    xhr.upload.onprogress = (event) => options.onUploaded(event.loaded, event.lengthComputable ? event.total : null);
    if (options.onAnswerProgress) xhr.onprogress = () => options.onAnswerProgress!(xhr);
    xhr.onerror = () => reject(options.lostConnection());
    xhr.onload = () => {
      options.onAnswerProgress?.(xhr);
      if (xhr.status === 401) goToSignIn();
      resolve({ status: xhr.status, text: xhr.responseText });
    };
    xhr.send(form);
  });
}

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

type Method = "POST" | "PUT" | "PATCH" | "DELETE";

function jsonInit(method: Method, body?: unknown): RequestInit {
  return {
    method,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

const endpointOf = (url: string, init: RequestInit) => `${(init.method ?? "GET").toUpperCase()} ${url.split("?")[0]}`;

/**
 * Calls the API and returns its answer parsed through `schema`, or throws the server's error
 * message. A 503 whose body still matches is an answer (the health check reports "down" so).
 */
async function fetchJson<S extends z.ZodType>(url: string, schema: S, init: RequestInit = {}): Promise<z.output<S>> {
  const response = await apiFetch(url, init);
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok && !(response.status === 503 && schema.safeParse(body).success)) throw new Error(errorMessage(response, body));
  return parseAnswer(endpointOf(url, init), schema, body);
}

/** Sends a request whose success has no body (204), or throws the server's error message. */
async function sendNoContent(url: string, method: Method, body?: unknown): Promise<void> {
  const response = await apiFetch(url, jsonInit(method, body));
  if (!response.ok) throw new Error(errorMessage(response, await response.json().catch(() => undefined)));
}

function errorMessage(response: Response, body: unknown): string {
  return apiErrorSchema.safeParse(body).data?.error ?? `the server answered ${response.status}`;
}

export function useHealth() {
  return useQuery({ queryKey: ["health"], queryFn: () => fetchJson("/api/health", healthReportSchema), refetchInterval: 5_000 });
}

/**
 * The workers as the health check lists them (the same query and 5 s refresh as the health badge),
 * starting from the server's first render.
 */
export function useWorkers(initial: HealthReport) {
  return useQuery({
    queryKey: ["health"],
    queryFn: () => fetchJson("/api/health", healthReportSchema),
    refetchInterval: 5_000,
    initialData: initial,
    initialDataUpdatedAt: () => Date.parse(initial.checkedAt),
    select: (report) => report.workers.list,
  });
}

export const IMAGE_PAGE_SIZE = 100;

/** The dataset browser's pages of images, fetched as the grid scrolls. */
export function useImagePages(datasetId: string, filter: ImageFilter) {
  const params = imageFilterToParams(filter).toString();
  return useInfiniteQuery({
    queryKey: ["images", datasetId, params],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams(params);
      query.set("limit", String(IMAGE_PAGE_SIZE));
      if (pageParam) query.set("after", pageParam);
      return fetchJson(`/api/datasets/${encodeURIComponent(datasetId)}/images?${query}`, imagePageSchema);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** One page of a filter's images, outside React (the batch pre-label walks them all). */
export function fetchImagePage(datasetId: string, filter: ImageFilter, after: string | null): Promise<ImagePage> {
  const query = imageFilterToParams(filter);
  query.set("limit", String(IMAGE_PAGE_SIZE));
  if (after) query.set("after", after);
  return fetchJson(`/api/datasets/${encodeURIComponent(datasetId)}/images?${query}`, imagePageSchema);
}

export function useImageCount(datasetId: string, filter: ImageFilter) {
  const params = imageFilterToParams(filter).toString();
  return useQuery({
    queryKey: ["image-count", datasetId, params],
    queryFn: async () => (await fetchJson(`/api/datasets/${encodeURIComponent(datasetId)}/images/count?${params}`, imageCountSchema)).total,
  });
}

export class ImportRejected extends Error {
  constructor(
    message: string,
    readonly issues: ImportFinding[],
  ) {
    super(message);
  }
}

/**
 * Uploads a zip or a folder's files (relative paths as file names) and imports them, telling
 * `onProgress` how far it is: the bytes sent (XMLHttpRequest measures an upload; fetch cannot),
 * then the server's phases, read from its NDJSON answer as they arrive.
 */
export function useImportDataset(onProgress: (progress: ImportProgress) => void) {
  return useMutation({
    mutationFn: (input: { name: string; classMap: string; files: Array<{ file: File; path: string }> }) => {
      const form = new FormData();
      form.append("name", input.name);
      form.append("classMap", input.classMap);
      for (const { file, path } of input.files) form.append("files", file, path);
      return importWithProgress(form, onProgress);
    },
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function importWithProgress(form: FormData, onProgress: (progress: ImportProgress) => void): Promise<ImportResult> {
  const url = "/api/datasets/import";
  let read = 0;
  let outcome: ImportStreamEvent | null = null;
  let mismatch: string | null = null;
  const readLines = (xhr: XMLHttpRequest) => {
    if (mismatch !== null || !(xhr.getResponseHeader("Content-Type") ?? "").startsWith(IMPORT_PROGRESS_MEDIA_TYPE)) return;
    const end = xhr.responseText.lastIndexOf("\n") + 1;
    const lines = end > read ? xhr.responseText.slice(read, end).split("\n").filter(Boolean) : [];
    read = Math.max(read, end);
    for (const line of lines) {
      const event = importStreamEventSchema.safeParse(safeJson(line));
      if (!event.success) mismatch = event.error.issues[0]?.message ?? "not a progress line";
      else if (event.data.type === "progress") onProgress(event.data);
      else outcome = event.data;
    }
  };
  const answer = await postFormWithProgress(url, form, {
    accept: `${IMPORT_PROGRESS_MEDIA_TYPE}, application/json`,
    onUploaded: (done, total) => onProgress({ phase: "uploading", done, total }),
    onAnswerProgress: readLines,
    lostConnection: () => new ImportRejected("the connection to the server was lost; if the upload had finished, the import goes on: see the dataset's Imports tab", []),
  });
  // assigned in readLines, which TypeScript cannot follow
  const last = outcome as ImportStreamEvent | null;
  if (mismatch !== null) throw new AnswerMismatchError(`POST ${url}`, mismatch);
  if (last?.type === "done") return last.result;
  if (last?.type === "failed") throw new ImportRejected(last.error, last.issues ?? []);
  // Refused before the import began (signed out, too large, not multipart …): a plain JSON answer.
  const body = safeJson(answer.text);
  if (answer.status !== 200) {
    const rejection = importRejectionSchema.safeParse(body).data;
    throw new ImportRejected(rejection?.error ?? `the server answered ${answer.status}`, rejection?.issues ?? []);
  }
  const result = importResultSchema.safeParse(body);
  if (!result.success) throw new AnswerMismatchError(`POST ${url}`, "the import ended without its result");
  return result.data;
}

// ── Labels, revisions and review comments (the editor) ───────────────────────────────────────

const imageUrl = (imageId: string, rest = "") => `/api/images/${encodeURIComponent(imageId)}${rest}`;

export function fetchLabels(imageId: string): Promise<StoredAnnotations> {
  return fetchJson(imageUrl(imageId, "/annotations"), storedAnnotationsSchema);
}

/** One compare-and-set save; a 409 comes back as a value, not an exception: it is expected. */
export async function saveLabels(imageId: string, body: Omit<SaveAnnotationsInput, "boxes"> & { boxes: EditorBox[] }): Promise<SaveLabelsResult> {
  const url = imageUrl(imageId, "/annotations");
  const response = await apiFetch(url, jsonInit("PUT", body)).catch(() => null);
  if (!response) return { kind: "failed", error: "the server cannot be reached; your edits are kept here" };
  const answer: unknown = await response.json().catch(() => undefined);
  const current = response.status === 409 ? annotationConflictSchema.safeParse(answer).data?.current : undefined;
  if (current) return { kind: "conflict", current };
  if (!response.ok) return { kind: "failed", error: apiErrorSchema.safeParse(answer).data?.error ?? `saving failed (${response.status})` };
  try {
    return { kind: "saved", ...parseAnswer(endpointOf(url, { method: "PUT" }), savedAnnotationsSchema, answer) };
  } catch (error) {
    if (error instanceof AnswerMismatchError) return { kind: "failed", error: error.message };
    throw error;
  }
}

export function useRevisions(imageId: string, version: number) {
  return useQuery({
    queryKey: ["revisions", imageId, version],
    queryFn: async () => (await fetchJson(imageUrl(imageId, "/revisions"), revisionListSchema)).revisions,
  });
}

/** Restores a revision (as a new one) and returns the labels as they now are. */
export function useRestoreRevision(imageId: string, onRestored: (labels: StoredAnnotations) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ target, expectedVersion }: { target: number; expectedVersion: number }) => {
      await fetchJson(imageUrl(imageId, `/revisions/${target}/restore`), savedAnnotationsSchema, jsonInit("POST", { expectedVersion }));
      return fetchLabels(imageId);
    },
    onSuccess: (labels) => {
      onRestored(labels);
      void client.invalidateQueries({ queryKey: ["revisions", imageId] });
    },
  });
}

export function useComments(imageId: string) {
  return useQuery({
    queryKey: ["comments", imageId],
    queryFn: async () => (await fetchJson(imageUrl(imageId, "/comments"), reviewCommentListSchema)).comments,
  });
}

export function useAddComment(imageId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: z.input<typeof commentInputSchema>) => {
      await fetchJson(imageUrl(imageId, "/comments"), newReviewCommentSchema, jsonInit("POST", input));
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ["comments", imageId] }),
  });
}

/** The annotator's "fixed": every open comment of the image is marked resolved. */
export function useResolveComments(imageId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await fetchJson(imageUrl(imageId, "/comments/resolve"), resolvedCommentsSchema, jsonInit("POST"));
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ["comments", imageId] }),
  });
}

// ── Accounts, API keys and the audit log ──────────────────────────────────────────────────────

export function signIn(input: z.input<typeof loginSchema>) {
  return fetchJson("/api/auth/login", signedInSchema, jsonInit("POST", input));
}

export function completeSetup(input: z.input<typeof setupSchema>) {
  return fetchJson("/api/auth/setup", signedInSchema, jsonInit("POST", input));
}

export function signOut() {
  return sendNoContent("/api/auth/logout", "POST");
}

export function changePassword(input: z.input<typeof changePasswordSchema>) {
  return sendNoContent("/api/account/password", "POST", input);
}

export function useUsers() {
  return useQuery({ queryKey: ["users"], queryFn: async () => (await fetchJson("/api/users", userListSchema)).users });
}

export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: z.input<typeof createUserSchema>) => fetchJson("/api/users", userAnswerSchema, jsonInit("POST", input)),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["users"] }),
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...change }: { id: string } & z.input<typeof updateUserSchema>) => fetchJson(`/api/users/${encodeURIComponent(id)}`, userAnswerSchema, jsonInit("PATCH", change)),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["users"] }),
  });
}

export function useApiKeys() {
  return useQuery({ queryKey: ["api-keys"], queryFn: async () => (await fetchJson("/api/api-keys", apiKeyListSchema)).keys });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: z.input<typeof createApiKeySchema>) => fetchJson("/api/api-keys", createdApiKeySchema, jsonInit("POST", input)),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["api-keys"] }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => sendNoContent(`/api/api-keys/${encodeURIComponent(id)}`, "DELETE"),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["api-keys"] }),
  });
}

// ── Worker tokens ──

/** Worker tokens with the workers using each, refreshed every 10 s (a worker signing in shows up). */
export function useWorkerTokens() {
  return useQuery({ queryKey: ["worker-tokens"], queryFn: async () => (await fetchJson("/api/worker-tokens", workerTokenListSchema)).tokens, refetchInterval: 10_000 });
}

export function useCreateWorkerToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: z.input<typeof createWorkerTokenSchema>) => fetchJson("/api/worker-tokens", createdWorkerTokenSchema, jsonInit("POST", input)),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["worker-tokens"] }),
  });
}

export function useRevokeWorkerToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => sendNoContent(`/api/worker-tokens/${encodeURIComponent(id)}`, "DELETE"),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["worker-tokens"] });
      void client.invalidateQueries({ queryKey: ["health"] });
    },
  });
}

/** A results file the server refused: its message, and the offending results one per line. */
export class ResultsRejected extends Error {
  constructor(
    message: string,
    readonly problems: string[],
    readonly problemCount: number,
  ) {
    super(message);
  }
}

/**
 * Uploads a COCO results file made elsewhere to be scored on a split of the dataset, telling
 * `onProgress` the bytes sent (XMLHttpRequest measures an upload; fetch cannot); the answer names
 * the new external model version and its evaluation.
 */
export function useEvaluateCocoResults(datasetId: string, onProgress: (sent: { done: number; total: number | null }) => void) {
  return useMutation({
    mutationFn: (input: { file: File; name: string; source: string; split: string; classMap: string; imageIds: string }) => {
      const form = new FormData();
      for (const key of ["name", "source", "split", "classMap", "imageIds"] as const) form.append(key, input[key]);
      form.append("results", input.file, input.file.name);
      return uploadCocoResults(`/api/datasets/${encodeURIComponent(datasetId)}/coco-results`, form, onProgress);
    },
  });
}

async function uploadCocoResults(url: string, form: FormData, onProgress: (sent: { done: number; total: number | null }) => void): Promise<ExternalEvaluation> {
  const answer = await postFormWithProgress(url, form, {
    accept: "application/json",
    onUploaded: (done, total) => onProgress({ done, total }),
    lostConnection: () => new ResultsRejected("the connection to the server was lost before it answered", [], 0),
  });
  const body = safeJson(answer.text);
  if (answer.status !== 201) {
    const refusal = cocoResultsRejectionSchema.safeParse(body).data;
    throw new ResultsRejected(refusal?.error ?? `the server answered ${answer.status}`, refusal?.problems ?? [], refusal?.problemCount ?? 0);
  }
  return parseAnswer(`POST ${url}`, externalEvaluationSchema, body);
}

export function promoteModel(id: string) {
  return fetchJson(`/api/models/${encodeURIComponent(id)}/promote`, promotionSchema, jsonInit("POST"));
}

/** Production goes back to the version the current one replaced. */
export function rollBackProduction() {
  return fetchJson("/api/models/rollback", promotionSchema, jsonInit("POST"));
}

/**
 * Uploads an ONNX detector to be verified and registered (POST /api/models/onnx), telling
 * `onProgress` the bytes sent; rejects with the server's words when it refuses the model.
 */
export function useRegisterOnnxModel(onProgress: (sent: { done: number; total: number | null }) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { file: File } & Record<"kind" | "dataset" | "classes" | "inputSize" | "name", string>): Promise<OnnxRegistration> => {
      const form = new FormData();
      for (const key of ["kind", "dataset", "classes", "inputSize", "name"] as const) form.append(key, input[key]);
      form.append("file", input.file, input.file.name);
      const answer = await postFormWithProgress("/api/models/onnx", form, {
        accept: "application/json",
        onUploaded: (done, total) => onProgress({ done, total }),
        lostConnection: () => new Error("the connection to the server was lost before it answered"),
      });
      const body = safeJson(answer.text);
      if (answer.status !== 201) throw new Error(apiErrorSchema.safeParse(body).data?.error ?? `the server answered ${answer.status}`);
      return parseAnswer("POST /api/models/onnx", onnxRegistrationSchema, body);
    },
    onSuccess: () => void client.invalidateQueries(),
  });
}

/** A stored evaluation with its labels and detections; immutable, so cached for the session. */
export function useEvaluation(id: string | null) {
  return useQuery({
    queryKey: ["evaluation", id],
    queryFn: () => fetchJson(`/api/evaluations/${encodeURIComponent(id!)}`, evaluationViewSchema),
    enabled: id !== null,
    staleTime: Infinity,
  });
}

/** Several evaluations' figures and curves at once (the comparison charts), without their snapshots. */
export function useEvaluationFigures(ids: readonly string[]) {
  return useQueries({
    queries: ids.map((id) => ({ queryKey: ["evaluation-figures", id], queryFn: () => fetchJson(`/api/evaluations/${encodeURIComponent(id)}?snapshot=0`, evaluationViewSchema), staleTime: Infinity })),
  });
}

export function sendLabelIssuesToReview(evaluationId: string, input: z.input<typeof sendToReviewSchema>) {
  return fetchJson(`/api/evaluations/${encodeURIComponent(evaluationId)}/review`, sendToReviewResultSchema, jsonInit("POST", input));
}

// ── Training jobs ─────────────────────────────────────────────────────────────────────────────

export function launchTraining(input: { datasetId: string; kind: JobKind; config: Record<string, unknown> }) {
  return fetchJson("/api/training-jobs", launchedTrainingJobSchema, jsonInit("POST", input));
}

export function cancelTraining(jobId: string) {
  return fetchJson(`/api/training-jobs/${encodeURIComponent(jobId)}/cancel`, cancelResultSchema, jsonInit("POST"));
}

/** A job and its whole log, refreshed every 2 s while it runs (fetching only new log lines). */
export function useTrainingJob(jobId: string) {
  const client = useQueryClient();
  return useQuery({
    queryKey: ["training-job", jobId],
    queryFn: async () => {
      const previous = client.getQueryData<TrainingJobDetail>(["training-job", jobId]);
      const after = previous?.logs.at(-1)?.id;
      const next = await fetchJson(`/api/training-jobs/${encodeURIComponent(jobId)}${after ? `?after=${after}` : ""}`, trainingJobDetailSchema);
      return { job: next.job, logs: [...(previous?.logs ?? []), ...next.logs] };
    },
    refetchInterval: (query) => (query.state.data && isFinishedJobStatus(query.state.data.job.status) ? false : 2_000),
  });
}

// ── Monitoring ──

/** The drift dashboard, refreshed every 30 s (the monitor writes a report a minute). */
export function useMonitoring(hours: number, initial?: MonitoringDashboardView) {
  return useQuery({ queryKey: ["monitoring", hours], queryFn: () => fetchJson(`/api/monitoring?hours=${hours}`, monitoringDashboardSchema), refetchInterval: 30_000, initialData: hours === 24 ? initial : undefined });
}

export function computeDriftNow(window: { from: string; to: string }) {
  return fetchJson("/api/monitoring/reports", driftReportAnswerSchema, jsonInit("POST", window));
}

export function baselineFromWindow(window: { from: string; to: string }) {
  return fetchJson("/api/monitoring/baselines", baselineCreatedSchema, jsonInit("POST", window));
}

export function saveThreshold(input: z.input<typeof thresholdSchema>) {
  return fetchJson("/api/monitoring/thresholds", thresholdRowListSchema, jsonInit("PUT", input));
}

export function useAlerts(filters: Record<string, string>) {
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== "")).toString();
  return useQuery({ queryKey: ["alerts", query], queryFn: () => fetchJson(`/api/alerts${query ? `?${query}` : ""}`, alertListSchema), refetchInterval: 30_000 });
}

export function useAlert(id: string) {
  return useQuery({ queryKey: ["alert", id], queryFn: () => fetchJson(`/api/alerts/${id}`, alertDetailSchema) });
}

export function triageAlert(id: string, step: TriageStep) {
  return fetchJson(`/api/alerts/${id}/triage`, alertWithTimelineSchema, jsonInit("POST", step));
}

export function sendAlertImagesToLabeling(id: string, input: z.input<typeof sendToLabelingSchema>) {
  return fetchJson(`/api/alerts/${id}/labeling`, labelingBatchResultSchema, jsonInit("POST", input));
}
