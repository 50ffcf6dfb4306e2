"use client";

import { useHealth } from "./api-hooks";

/** Always-visible system status: is the database up, is a training worker alive. */
export function HealthBadge() {
  const { data, isError } = useHealth();
  if (isError) return <span className="badge badge-down" role="status">server unreachable</span>;
  if (!data) return <span className="badge" role="status">checking…</span>;
  const text =
    data.status === "down"
      ? "database down"
      : data.workers.alive > 0
        ? `worker online (${data.workers.alive})`
        : "no worker running";
  return (
    <span className={`badge badge-${data.status}`} role="status" title={`database ${data.database.latencyMs} ms`}>
      {text}
    </span>
  );
}
