"use client";

import { useQuery } from "@tanstack/react-query";
import type { DatasetSummary, HealthReport } from "@/lib/api-contracts";

/** Every client-side call to our API goes through a hook in this file. */
async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok && response.status !== 503) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
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
