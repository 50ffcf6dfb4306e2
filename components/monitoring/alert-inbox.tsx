"use client";

import Link from "next/link";
import { useState } from "react";
import { ALERT_SEVERITIES, ALERT_STATUSES } from "@/lib/domain/drift/alerts";
import { MONITORED_FEATURES, EMBEDDING_FEATURE } from "@/lib/domain/drift/features";
import { formatNumber } from "@/lib/presentation/format";
import { ALERT_SEVERITY_WORDS, ALERT_STATUS_WORDS } from "@/lib/presentation/status-words";
import { Checkbox } from "@/components/ui/checkbox";
import { Select, type SelectOption } from "@/components/ui/select";
import { Time } from "@/components/ui/time";
import { useAlerts } from "../api-hooks";
import { EmptyState } from "../empty-state";
import { AlertStatePill, featureLabel, metricLabel, SeverityPill } from "./drift-words";

const reading = (v: number) => formatNumber(v, v !== 0 && Math.abs(v) < 0.01 ? 4 : 3);

/** "unresolved", the inbox's default, is every state still waiting for someone (open, acknowledged, snoozed). */
const STATE_OPTIONS: SelectOption[] = [{ value: "unresolved", label: "Unresolved" }, ...ALERT_STATUSES.map((s) => ({ value: s, label: ALERT_STATUS_WORDS[s].label })), { value: "", label: "All" }];
const SEVERITY_OPTIONS: SelectOption[] = [{ value: "", label: "Any" }, ...ALERT_SEVERITIES.map((s) => ({ value: s, label: ALERT_SEVERITY_WORDS[s].label }))];
const FEATURE_OPTIONS: SelectOption[] = [{ value: "", label: "Any" }, ...[...MONITORED_FEATURES.map((f) => f.name as string), EMBEDDING_FEATURE].map((f) => ({ value: f, label: featureLabel(f) }))];

/** The alert inbox: filters by state, severity, feature and assignee (“mine”). */
export function AlertInbox({ userId }: { userId: string }) {
  const [status, setStatus] = useState("unresolved");
  const [severity, setSeverity] = useState("");
  const [feature, setFeature] = useState("");
  const [mine, setMine] = useState(false);
  const { data, isLoading, error } = useAlerts({ status, severity, feature, assigneeId: mine ? userId : "" });
  return (
    <>
      <div className="filters" role="search">
        <Select label="State" value={status} onValueChange={setStatus} options={STATE_OPTIONS} />
        <Select label="Severity" value={severity} onValueChange={setSeverity} options={SEVERITY_OPTIONS} />
        <Select label="Feature" value={feature} onValueChange={setFeature} options={FEATURE_OPTIONS} />
        <Checkbox checked={mine} onCheckedChange={setMine} label="Assigned to me" />
      </div>
      {error ? <p className="error">{(error as Error).message}</p> : null}
      {isLoading ? <p className="muted">Loading…</p> : null}
      {data && data.length === 0 ? <EmptyState title="No alerts match">Alerts appear when a feature of the production model&apos;s window crosses its threshold.</EmptyState> : null}
      {data && data.length > 0 ? (
        <table className="table" aria-label="Drift alerts">
          <thead>
            <tr>
              <th>Raised</th>
              <th>Feature</th>
              <th>Severity</th>
              <th>State</th>
              <th className="num">Value / threshold</th>
              <th className="num">Peak</th>
              <th>Model</th>
              <th>Assignee</th>
            </tr>
          </thead>
          <tbody>
            {data.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link href={`/monitor/alerts/${a.id}`}>
                    <Time value={a.createdAt} relative />
                  </Link>
                </td>
                <td>
                  <Link href={`/monitor/alerts/${a.id}`}>
                    {featureLabel(a.feature)} ({metricLabel(a.metric)})
                  </Link>
                </td>
                <td>
                  <SeverityPill severity={a.severity} />
                </td>
                <td>
                  <AlertStatePill status={a.status} />
                  {a.status === "snoozed" && a.snoozedUntil ? (
                    <span className="small muted">
                      {" "}
                      until <Time value={a.snoozedUntil} relative />
                    </span>
                  ) : null}
                </td>
                <td className="num">
                  {reading(a.value)} / {reading(a.threshold)}
                </td>
                <td className="num">{reading(a.peakValue)}</td>
                <td>
                  {a.baseline.modelVersion.name} v{a.baseline.modelVersion.version}
                </td>
                <td>{a.assignee?.name ?? <span className="muted">–</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
