"use client";

import { useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AlertDetailView, AlertRowView, ApiError, EvaluationView, HealthReport, ImagePage, MonitoringDashboardView, SendToReviewResult, ThresholdRowView } from "@/lib/api-contracts";
import type { SaveAnnotationsInput } from "@/lib/domain/annotation-schema";
import type { EditorBox } from "@/lib/domain/editor-commands";
import { imageFilterToParams, type ImageFilter } from "@/lib/domain/image-filter";
import type { ApiKeyScope, Role } from "@/lib/domain/permissions";
import type { LabelStatus } from "@/lib/domain/states";

/**
 * Every client-side call to our API goes through this file. State-changing requests echo the
 * CSRF cookie in X-CSRF-Token (the server refuses them otherwise); a 401 means the session
 * ended, so the browser goes to the sign-in page and comes back here afterwards.
 */
async function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json");
  const method = (init.method ?? "GET").toUpperCase();
  if (method !== "GET" && method !== "HEAD") headers.set("X-CSRF-Token", readCookie("masklab_csrf") ?? "");
  const response = await fetch(url, { ...init, headers, credentials: "same-origin" });
  if (response.status === 401 && !url.startsWith("/api/auth/")) {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  return response;
}

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

function sendJson(url: string, method: "POST" | "PUT" | "PATCH" | "DELETE", body?: unknown): Promise<Response> {
  return apiFetch(url, {
    method,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function getJson<T>(url: string): Promise<T> {
  const response = await apiFetch(url);
  if (!response.ok && response.status !== 503) throw new Error(await errorMessage(response));
  return (await response.json()) as T;
}

/** Sends JSON and returns the parsed answer, or throws the server's error message. */
async function mutateJson<T>(url: string, method: "POST" | "PUT" | "PATCH" | "DELETE", body?: unknown): Promise<T> {
  const response = await sendJson(url, method, body);
  if (!response.ok) throw new Error(await errorMessage(response));
  return (response.status === 204 ? undefined : await response.json()) as T;
}

async function errorMessage(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as Partial<ApiError> | null;
  return body?.error ?? `the server answered ${response.status}`;
}

export function useHealth() {
  return useQuery({ queryKey: ["health"], queryFn: () => getJson<HealthReport>("/api/health"), refetchInterval: 5_000 });
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
      return getJson<ImagePage>(`/api/datasets/${encodeURIComponent(datasetId)}/images?${query}`);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** One page of a filter's images, outside React (the batch pre-label walks them all). */
export function fetchImagePage(datasetId: string, filter: ImageFilter, after: string | null): Promise<ImagePage> {
  const query = imageFilterToParams(filter);
  query.set("limit", String(IMAGE_PAGE_SIZE));
  if (after) query.set("after", after);
  return getJson<ImagePage>(`/api/datasets/${encodeURIComponent(datasetId)}/images?${query}`);
}

export function useImageCount(datasetId: string, filter: ImageFilter) {
  const params = imageFilterToParams(filter).toString();
  return useQuery({
    queryKey: ["image-count", datasetId, params],
    queryFn: async () => (await getJson<{ total: number }>(`/api/datasets/${encodeURIComponent(datasetId)}/images/count?${params}`)).total,
  });
}

export interface ImportResult {
  datasetId: string;
  importRunId: string;
  imagesAdded: number;
  boxesAdded: number;
  issueCount: number;
  unknownClasses: Record<string, number>;
}

export class ImportRejected extends Error {
  constructor(
    message: string,
    readonly issues: Array<{ file: string; code: string; message: string }>,
  ) {
    super(message);
  }
}

/** Uploads a zip or a folder's files (relative paths as file names) and imports them. */
export function useImportDataset() {
  return useMutation({
    mutationFn: async (input: { name: string; classMap: string; files: Array<{ file: File; path: string }> }) => {
      const form = new FormData();
      form.append("name", input.name);
      form.append("classMap", input.classMap);
      for (const { file, path } of input.files) form.append("files", file, path);
      const response = await apiFetch("/api/datasets/import", { method: "POST", body: form });
      const body = (await response.json().catch(() => ({ error: `the server answered ${response.status}` }))) as ImportResult & ApiError & { issues?: ImportRejected["issues"] };
      if (!response.ok) throw new ImportRejected(body.error, body.issues ?? []);
      return body;
    },
  });
}

// ── Labels, revisions and review comments (the editor) ───────────────────────────────────────

export interface StoredLabels {
  version: number;
  set: { labelStatus: LabelStatus; boxes: EditorBox[] };
}

export type SaveLabelsResult =
  | { kind: "saved"; version: number; /** the status the server's review rules gave the image */ labelStatus: LabelStatus }
  | { kind: "conflict"; current: StoredLabels }
  | { kind: "failed"; error: string };

export function fetchLabels(imageId: string): Promise<StoredLabels> {
  return getJson<StoredLabels>(`/api/images/${encodeURIComponent(imageId)}/annotations`);
}

/** One compare-and-set save; a 409 comes back as a value, not an exception: it is expected. */
export async function saveLabels(imageId: string, body: Omit<SaveAnnotationsInput, "boxes"> & { boxes: EditorBox[] }): Promise<SaveLabelsResult> {
  const response = await sendJson(`/api/images/${encodeURIComponent(imageId)}/annotations`, "PUT", body).catch(() => null);
  if (!response) return { kind: "failed", error: "the server cannot be reached; your edits are kept here" };
  const result = (await response.json().catch(() => ({}))) as { version?: number; labelStatus?: LabelStatus; error?: string; current?: StoredLabels };
  if (response.status === 409 && result.current) return { kind: "conflict", current: result.current };
  if (!response.ok || result.version === undefined || result.labelStatus === undefined) return { kind: "failed", error: result.error ?? `saving failed (${response.status})` };
  return { kind: "saved", version: result.version, labelStatus: result.labelStatus };
}

export interface Revision {
  version: number;
  action: string;
  createdAt: string;
  note: string | null;
  author: { name: string } | null;
  after: { boxes?: unknown[]; labelStatus?: string };
}

export function useRevisions(imageId: string, version: number) {
  return useQuery({
    queryKey: ["revisions", imageId, version],
    queryFn: async () => (await getJson<{ revisions: Revision[] }>(`/api/images/${encodeURIComponent(imageId)}/revisions`)).revisions,
  });
}

/** Restores a revision (as a new one) and returns the labels as they now are. */
export function useRestoreRevision(imageId: string, onRestored: (labels: StoredLabels) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ target, expectedVersion }: { target: number; expectedVersion: number }) => {
      await mutateJson(`/api/images/${encodeURIComponent(imageId)}/revisions/${target}/restore`, "POST", { expectedVersion });
      return fetchLabels(imageId);
    },
    onSuccess: (labels) => {
      onRestored(labels);
      void client.invalidateQueries({ queryKey: ["revisions", imageId] });
    },
  });
}

export interface ReviewComment {
  id: string;
  body: string;
  boxId: string | null;
  createdAt: string;
  resolvedAt: string | null;
  author: { name: string } | null;
}

export function useComments(imageId: string) {
  return useQuery({
    queryKey: ["comments", imageId],
    queryFn: async () => (await getJson<{ comments: ReviewComment[] }>(`/api/images/${encodeURIComponent(imageId)}/comments`)).comments,
  });
}

export function useAddComment(imageId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { body: string; boxId?: string }) => {
      await mutateJson(`/api/images/${encodeURIComponent(imageId)}/comments`, "POST", input);
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ["comments", imageId] }),
  });
}

/** The annotator's "fixed": every open comment of the image is marked resolved. */
export function useResolveComments(imageId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await mutateJson(`/api/images/${encodeURIComponent(imageId)}/comments/resolve`, "POST");
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ["comments", imageId] }),
  });
}

// ── Accounts, API keys and the audit log ──────────────────────────────────────────────────────

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export function signIn(input: { email: string; password: string }) {
  return mutateJson<{ user: SignedInUser }>("/api/auth/login", "POST", input);
}

export function completeSetup(input: { token: string; email: string; name: string; password: string }) {
  return mutateJson<{ user: SignedInUser }>("/api/auth/setup", "POST", input);
}

export function signOut() {
  return mutateJson<void>("/api/auth/logout", "POST");
}

export function changePassword(input: { currentPassword: string; newPassword: string }) {
  return mutateJson<void>("/api/account/password", "POST", input);
}

export interface UserRow extends SignedInUser {
  disabledAt: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

export function useUsers() {
  return useQuery({ queryKey: ["users"], queryFn: async () => (await getJson<{ users: UserRow[] }>("/api/users")).users });
}

export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; name: string; role: Role; password: string }) => mutateJson<{ user: UserRow }>("/api/users", "POST", input),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["users"] }),
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...change }: { id: string; role?: Role; disabled?: boolean; password?: string }) =>
      mutateJson<{ user: UserRow }>(`/api/users/${encodeURIComponent(id)}`, "PATCH", change),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["users"] }),
  });
}

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy: { email: string };
}

export function useApiKeys() {
  return useQuery({ queryKey: ["api-keys"], queryFn: async () => (await getJson<{ keys: ApiKeyRow[] }>("/api/api-keys")).keys });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scopes: ApiKeyScope[] }) => mutateJson<{ key: string; id: string; prefix: string }>("/api/api-keys", "POST", input),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["api-keys"] }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => mutateJson<void>(`/api/api-keys/${encodeURIComponent(id)}`, "DELETE"),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["api-keys"] }),
  });
}

export function promoteModel(id: string) {
  return mutateJson<{ id: string; stage: string; previousId: string | null }>(`/api/models/${encodeURIComponent(id)}/promote`, "POST");
}

/** Production goes back to the version the current one replaced. */
export function rollBackProduction() {
  return mutateJson<{ id: string; stage: string; previousId: string | null }>("/api/models/rollback", "POST");
}

/** A stored evaluation with its labels and detections; immutable, so cached for the session. */
export function useEvaluation(id: string | null) {
  return useQuery({
    queryKey: ["evaluation", id],
    queryFn: () => getJson<EvaluationView>(`/api/evaluations/${encodeURIComponent(id!)}`),
    enabled: id !== null,
    staleTime: Infinity,
  });
}

/** Several evaluations' figures and curves at once (the comparison charts), without their snapshots. */
export function useEvaluationFigures(ids: readonly string[]) {
  return useQueries({
    queries: ids.map((id) => ({ queryKey: ["evaluation-figures", id], queryFn: () => getJson<EvaluationView>(`/api/evaluations/${encodeURIComponent(id)}?snapshot=0`), staleTime: Infinity })),
  });
}

export function sendLabelIssuesToReview(evaluationId: string, input: { imageIds: string[]; minScore: number }) {
  return mutateJson<SendToReviewResult>(`/api/evaluations/${encodeURIComponent(evaluationId)}/review`, "POST", input);
}

// ── Training jobs ─────────────────────────────────────────────────────────────────────────────

export interface TrainingLogLine {
  id: string;
  at: string;
  level: "info" | "warn" | "error" | "metric";
  message: string;
  metrics: Record<string, unknown> | null;
}

export interface TrainingJobView {
  id: string;
  kind: string;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  progress: number;
  error: string | null;
  backend: string | null;
  attempts: number;
  config: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  dataset: { id: string; name: string };
  modelVersion: { id: string; name: string; version: number } | null;
  /** a cross-validation job's stored out-of-fold evaluation */
  evaluations: Array<{ id: string; split: string }>;
  createdBy: { email: string } | null;
}

export function launchTraining(input: { datasetId: string; kind: "one_stage" | "two_stage"; config: Record<string, unknown> }) {
  return mutateJson<{ id: string }>("/api/training-jobs", "POST", input);
}

export function cancelTraining(jobId: string) {
  return mutateJson<{ result: string }>(`/api/training-jobs/${encodeURIComponent(jobId)}/cancel`, "POST");
}

/** A job and its whole log, refreshed every 2 s while it runs (fetching only new log lines). */
export function useTrainingJob(jobId: string) {
  const client = useQueryClient();
  return useQuery({
    queryKey: ["training-job", jobId],
    queryFn: async () => {
      const previous = client.getQueryData<{ job: TrainingJobView; logs: TrainingLogLine[] }>(["training-job", jobId]);
      const after = previous?.logs.at(-1)?.id;
      const next = await getJson<{ job: TrainingJobView; logs: TrainingLogLine[] }>(`/api/training-jobs/${encodeURIComponent(jobId)}${after ? `?after=${after}` : ""}`);
      return { job: next.job, logs: [...(previous?.logs ?? []), ...next.logs] };
    },
    refetchInterval: (query) => (query.state.data && ["succeeded", "failed", "cancelled"].includes(query.state.data.job.status) ? false : 2_000),
  });
}

// ── Monitoring ──

/** The drift dashboard, refreshed every 30 s (the monitor writes a report a minute). */
export function useMonitoring(hours: number, initial?: MonitoringDashboardView) {
  return useQuery({ queryKey: ["monitoring", hours], queryFn: () => getJson<MonitoringDashboardView>(`/api/monitoring?hours=${hours}`), refetchInterval: 30_000, initialData: hours === 24 ? initial : undefined });
}

export function computeDriftNow(window: { from: string; to: string }) {
  return mutateJson<{ reportId: string; status: string; predictionCount: number }>("/api/monitoring/reports", "POST", window);
}

export function baselineFromWindow(window: { from: string; to: string }) {
  return mutateJson<{ id: string; predictionCount: number }>("/api/monitoring/baselines", "POST", window);
}

export function saveThreshold(input: { feature: string; metric: string; warning: number; drift: number; reset?: boolean }) {
  return mutateJson<ThresholdRowView[]>("/api/monitoring/thresholds", "PUT", input);
}

export function useAlerts(filters: Record<string, string>) {
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== "")).toString();
  return useQuery({ queryKey: ["alerts", query], queryFn: () => getJson<AlertRowView[]>(`/api/alerts${query ? `?${query}` : ""}`), refetchInterval: 30_000 });
}

export function useAlert(id: string) {
  return useQuery({ queryKey: ["alert", id], queryFn: () => getJson<AlertDetailView>(`/api/alerts/${id}`) });
}

export type TriageStep = { action: "acknowledge" } | { action: "resolve"; note?: string } | { action: "reopen" } | { action: "snooze"; until: string } | { action: "assign"; assigneeId: string | null } | { action: "note"; note: string };

export function triageAlert(id: string, step: TriageStep) {
  return mutateJson<AlertDetailView["alert"]>(`/api/alerts/${id}/triage`, "POST", step);
}

export function sendAlertImagesToLabeling(id: string, input: { datasetId: string; predictionIds: string[] }) {
  return mutateJson<{ batchId: string; datasetId: string; added: number; skipped: Array<{ predictionId: string; reason: string }> }>(`/api/alerts/${id}/labeling`, "POST", input);
}
