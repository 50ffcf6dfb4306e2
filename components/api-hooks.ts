"use client";

import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import type { ApiError, DatasetSummary, HealthReport, ImagePage } from "@/lib/api-contracts";
import { imageFilterToParams, type ImageFilter } from "@/lib/domain/image-filter";

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

export function useDatasets() {
  return useQuery({
    queryKey: ["datasets"],
    queryFn: async () => (await getJson<{ datasets: DatasetSummary[] }>("/api/datasets")).datasets,
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
