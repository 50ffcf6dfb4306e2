"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApiError, HealthReport, ImagePage } from "@/lib/api-contracts";
import type { SaveAnnotationsInput } from "@/lib/domain/annotation-schema";
import type { EditorBox } from "@/lib/domain/editor-commands";
import { imageFilterToParams, type ImageFilter } from "@/lib/domain/image-filter";
import type { LabelStatus } from "@/lib/domain/states";

/** Every client-side call to our API goes through a hook in this file. */
async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok && response.status !== 503) throw new Error(await errorMessage(response));
  return (await response.json()) as T;
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
      const response = await fetch("/api/datasets/import", { method: "POST", body: form });
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
  | { kind: "saved"; version: number }
  | { kind: "conflict"; current: StoredLabels }
  | { kind: "failed"; error: string };

export function fetchLabels(imageId: string): Promise<StoredLabels> {
  return getJson<StoredLabels>(`/api/images/${encodeURIComponent(imageId)}/annotations`);
}

/** One compare-and-set save; a 409 comes back as a value, not an exception: it is expected. */
export async function saveLabels(imageId: string, body: Omit<SaveAnnotationsInput, "boxes"> & { boxes: EditorBox[] }): Promise<SaveLabelsResult> {
  const response = await fetch(`/api/images/${encodeURIComponent(imageId)}/annotations`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  }).catch(() => null);
  if (!response) return { kind: "failed", error: "the server cannot be reached; your edits are kept here" };
  const result = (await response.json().catch(() => ({}))) as { version?: number; error?: string; current?: StoredLabels };
  if (response.status === 409 && result.current) return { kind: "conflict", current: result.current };
  if (!response.ok || result.version === undefined) return { kind: "failed", error: result.error ?? `saving failed (${response.status})` };
  return { kind: "saved", version: result.version };
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
      const response = await fetch(`/api/images/${encodeURIComponent(imageId)}/revisions/${target}/restore`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ expectedVersion }),
      });
      if (!response.ok) throw new Error(await errorMessage(response));
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
      const response = await fetch(`/api/images/${encodeURIComponent(imageId)}/comments`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(input),
      });
      if (!response.ok) throw new Error(await errorMessage(response));
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ["comments", imageId] }),
  });
}

/** The annotator's "fixed": every open comment of the image is marked resolved. */
export function useResolveComments(imageId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const response = await fetch(`/api/images/${encodeURIComponent(imageId)}/comments/resolve`, { method: "POST" });
      if (!response.ok) throw new Error(await errorMessage(response));
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ["comments", imageId] }),
  });
}
