import type { Prisma } from "@/generated/prisma/client";
import type { TriageAction } from "@/lib/contracts/http/monitoring";
import { alertEventDetailColumn, type AlertEventDetail } from "@/lib/contracts/stored/monitoring";
import { parseStored, toStoredJson } from "@/lib/contracts/stored/parse";
import { ALERT_STATUSES, UNRESOLVED_ALERT_STATUSES, type AlertEventKind, type AlertSeverity, type AlertStatus } from "@/lib/domain/drift/alerts";
import type { AlertCandidate, DriftEvaluation } from "@/lib/domain/drift/report";
import { EMBEDDING_FEATURE } from "@/lib/domain/drift/features";
import { EMBEDDING_METRIC, isDriftMetric } from "@/lib/domain/drift/metrics/catalogue";
import { recordOf } from "@/lib/domain/record-of";
import { isOneOf } from "@/lib/domain/states";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { NotFoundError } from "../platform/not-found";

const UNRESOLVED = [...UNRESOLVED_ALERT_STATUSES];

export class AlertNotFoundError extends NotFoundError {}
/** The triage step does not apply to the alert as it is now. */
export class AlertTransitionError extends DomainError {
  readonly status = 409;
}

/**
 * Turns a scheduled report's over-threshold features into alerts, one per baseline and feature
 * while it stays unresolved: a feature still over its threshold updates that alert (latest and
 * peak value, the window it covers; a warning that becomes drift is escalated) instead of raising
 * another. A snoozed alert whose snooze has ended and is still over reopens. An unresolved alert
 * whose feature came back within its thresholds gets one "recovered" event; it stays for a
 * reviewer to resolve. Returns how many alerts were newly raised.
 */
export async function raiseAlerts(baselineId: string, report: { id: string; windowStart: Date; windowEnd: Date }, candidates: readonly AlertCandidate[], evaluation: DriftEvaluation, database: Db = defaultDb()): Promise<number> {
  let raised = 0;
  const now = new Date();
  const unresolved = await database.alert.findMany({ where: { baselineId, status: { in: UNRESOLVED } }, include: { events: { orderBy: { at: "desc" }, take: 1 } } });
  for (const candidate of candidates) {
    const existing = unresolved.find((a) => a.feature === candidate.feature);
    if (!existing) {
      await database.alert.create({
        data: {
          baselineId,
          feature: candidate.feature,
          metric: candidate.metric,
          severity: candidate.severity,
          value: candidate.value,
          peakValue: candidate.value,
          threshold: candidate.threshold,
          firstReportId: report.id,
          lastReportId: report.id,
          windowStart: report.windowStart,
          windowEnd: report.windowEnd,
          events: { create: { kind: "raised" satisfies AlertEventKind, detail: toStoredJson(alertEventDetailColumn, { ...candidate, reportId: report.id }) } },
        },
      });
      raised++;
      continue;
    }
    const escalated = existing.severity === "warning" && candidate.severity === "critical";
    const snoozeOver = existing.status === "snoozed" && existing.snoozedUntil !== null && existing.snoozedUntil <= now;
    const events: Prisma.AlertEventCreateWithoutAlertInput[] = [];
    if (escalated) events.push({ kind: "escalated" satisfies AlertEventKind, detail: toStoredJson(alertEventDetailColumn, { ...candidate, reportId: report.id }) });
    if (snoozeOver) events.push({ kind: "reopened" satisfies AlertEventKind, detail: toStoredJson(alertEventDetailColumn, { reason: "snooze ended while still over threshold" }) });
    // An alert keeps the metric and threshold it was raised (or escalated) on, so its value and
    // peak stay comparable when the other metric of the same feature is the one over this time.
    const value = escalated ? candidate.value : (metricValue(evaluation, existing.feature, existing.metric) ?? candidate.value);
    await database.alert.update({
      where: { id: existing.id },
      data: {
        value,
        peakValue: escalated && candidate.metric !== existing.metric ? value : Math.max(existing.peakValue, value),
        ...(escalated ? { metric: candidate.metric, threshold: candidate.threshold, severity: "critical" } : {}),
        lastReportId: report.id,
        windowEnd: report.windowEnd,
        ...(snoozeOver ? { status: "open", snoozedUntil: null } : {}),
        events: { create: events },
      },
    });
  }
  const judged = new Set([...evaluation.features.filter((f) => f.status === "stable").map((f) => f.feature), ...(evaluation.embedding?.status === "stable" ? [EMBEDDING_FEATURE] : [])]);
  for (const alert of unresolved) {
    if (!judged.has(alert.feature) || alert.events[0]?.kind === "recovered") continue;
    await database.alertEvent.create({ data: { alertId: alert.id, kind: "recovered" satisfies AlertEventKind, detail: toStoredJson(alertEventDetailColumn, { reportId: report.id }) } });
  }
  return raised;
}

function metricValue(evaluation: DriftEvaluation, feature: string, metric: string): number | null {
  if (metric === EMBEDDING_METRIC) return feature === EMBEDDING_FEATURE ? (evaluation.embedding?.distance ?? null) : null;
  if (!isDriftMetric(metric)) return null;
  return evaluation.features.find((f) => f.feature === feature)?.metrics[metric] ?? null;
}

export interface AlertFilters {
  status?: AlertStatus | "unresolved";
  severity?: AlertSeverity;
  feature?: string;
  assigneeId?: string;
}

const ALERT_SELECT = {
  id: true, feature: true, metric: true, severity: true, status: true, value: true, peakValue: true, threshold: true,
  windowStart: true, windowEnd: true, snoozedUntil: true, createdAt: true, updatedAt: true, resolvedAt: true, baselineId: true,
  assignee: { select: { id: true, name: true } },
  baseline: { select: { modelVersion: { select: { id: true, name: true, version: true } } } },
} as const satisfies Prisma.AlertSelect;

export async function listAlerts(filters: AlertFilters = {}, database: Db = defaultDb()) {
  const status = filters.status === "unresolved" ? { in: UNRESOLVED } : filters.status;
  return database.alert.findMany({
    where: { status, severity: filters.severity, feature: filters.feature, assigneeId: filters.assigneeId },
    orderBy: [{ createdAt: "desc" }],
    take: 500,
    select: ALERT_SELECT,
  });
}

export async function alertCounts(database: Db = defaultDb()): Promise<Record<AlertStatus, number>> {
  const groups = await database.alert.groupBy({ by: ["status"], _count: { _all: true } });
  return recordOf(ALERT_STATUSES, (s) => groups.find((g) => g.status === s)?._count._all ?? 0);
}

/** Alerts still waiting for someone (open, acknowledged or snoozed): the inbox's default list, and the count beside Alerts in the navigation. */
export async function unresolvedAlertCount(database: Db = defaultDb()): Promise<number> {
  return database.alert.count({ where: { status: { in: UNRESOLVED } } });
}

export async function getAlert(id: string, database: Db = defaultDb()) {
  const alert = await database.alert.findUnique({
    where: { id },
    select: {
      ...ALERT_SELECT,
      events: { orderBy: { at: "asc" }, select: { id: true, at: true, kind: true, detail: true, actor: { select: { id: true, name: true } } } },
      labelingBatches: { select: { id: true, createdAt: true, dataset: { select: { id: true, name: true } }, _count: { select: { items: true } } } },
    },
  });
  if (!alert) throw new AlertNotFoundError(`no alert ${id}`);
  return { ...alert, events: alert.events.map((event) => ({ ...event, detail: parseStored(alertEventDetailColumn, event.detail, event.id) })) };
}

/** Which statuses each action may start from; assigning and notes work in any state. */
const ALLOWED_FROM: Record<TriageAction["action"], readonly AlertStatus[]> = {
  acknowledge: ["open", "snoozed"],
  resolve: ["open", "acknowledged", "snoozed"],
  reopen: ["resolved", "snoozed", "acknowledged"],
  snooze: ["open", "acknowledged"],
  assign: ALERT_STATUSES,
  note: ALERT_STATUSES,
};

/** One triage step: the status change (if any) and its timeline event, in one transaction. */
export async function triageAlert(id: string, step: TriageAction, actorId: string | null, database: Db = defaultDb()) {
  await database.$transaction(async (tx) => {
    const alert = await tx.alert.findUnique({ where: { id }, select: { status: true } });
    if (!alert) throw new AlertNotFoundError(`no alert ${id}`);
    if (!isOneOf(ALLOWED_FROM[step.action], alert.status)) throw new AlertTransitionError(`cannot ${step.action} an alert that is ${alert.status}`);
    const data: Prisma.AlertUpdateInput = {};
    let detail: AlertEventDetail = {};
    if (step.action === "acknowledge") data.status = "acknowledged";
    if (step.action === "resolve") Object.assign(data, { status: "resolved", resolvedAt: new Date(), snoozedUntil: null });
    if (step.action === "reopen") Object.assign(data, { status: "open", resolvedAt: null, snoozedUntil: null });
    if (step.action === "snooze") {
      if (!(step.until.getTime() > Date.now())) throw new AlertTransitionError("a snooze must end in the future");
      Object.assign(data, { status: "snoozed", snoozedUntil: step.until });
      detail = { until: step.until.toISOString() };
    }
    if (step.action === "assign") {
      if (step.assigneeId && !(await tx.user.findUnique({ where: { id: step.assigneeId }, select: { id: true } }))) throw new AlertTransitionError("no such user to assign");
      data.assignee = step.assigneeId ? { connect: { id: step.assigneeId } } : { disconnect: true };
      detail = { assigneeId: step.assigneeId };
    }
    if ("note" in step && step.note) detail = { ...detail, note: step.note };
    await tx.alert.update({ where: { id }, data: { ...data, events: { create: { kind: EVENT_OF_STEP[step.action], actorId, detail: toStoredJson(alertEventDetailColumn, detail) } } } });
  });
  return getAlert(id, database);
}

/** The timeline event each triage step writes. */
const EVENT_OF_STEP: Record<TriageAction["action"], AlertEventKind> = { acknowledge: "acknowledged", resolve: "resolved", reopen: "reopened", snooze: "snoozed", assign: "assigned", note: "note" };
