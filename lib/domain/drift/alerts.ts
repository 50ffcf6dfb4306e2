/** The vocabulary of drift alerts: where an alert stands, how loud it is, what its timeline records. */
export const ALERT_STATUSES = ["open", "acknowledged", "snoozed", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The statuses an alert is still "on" in: a feature over its threshold updates it instead of raising another. */
export const UNRESOLVED_ALERT_STATUSES = ["open", "acknowledged", "snoozed"] as const satisfies readonly AlertStatus[];

/** A feature at "drift" raises a critical alert, one at "warning" a warning (loudest first). */
export const ALERT_SEVERITIES = ["critical", "warning"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** The events of an alert's timeline (append-only). */
export const ALERT_EVENT_KINDS = ["raised", "escalated", "recovered", "acknowledged", "assigned", "note", "snoozed", "resolved", "reopened", "sent_to_labeling"] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];
