/**
 * Shapes of the JSON the API returns: imported by the server that produces them and by the
 * client hooks that read them, so both sides agree at compile time. Types only, no code.
 */
export interface DatasetSummary {
  id: string;
  name: string;
  description: string;
  classes: string[];
  createdAt: string;
  imageCount: number;
  boxCount: number;
  /** boxes per class, in the dataset's class order (classes with no boxes show 0) */
  boxesPerClass: Record<string, number>;
  imagesPerSplit: Record<string, number>;
  imagesPerLabelStatus: Record<string, number>;
}

export interface WorkerView {
  id: string;
  kind: string;
  hostname: string;
  pid: number;
  status: string;
  startedAt: string;
  lastHeartbeatAt: string;
  alive: boolean;
}

export interface HealthReport {
  /** ok: database up and a training worker alive; degraded: no live worker; down: no database */
  status: "ok" | "degraded" | "down";
  database: { ok: boolean; latencyMs: number; error?: string };
  workers: { alive: number; list: WorkerView[] };
  checkedAt: string;
}
