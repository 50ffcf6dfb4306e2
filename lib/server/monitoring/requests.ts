import { z } from "zod";
import { DRIFT_METRICS } from "@/lib/domain/drift/report";
import { recordIdSchema } from "@/lib/domain/record-id";
import { ALERT_STATUSES } from "./alerts";

/** The boundary's shapes for the monitoring routes (validated before any lib/server call). */
const when = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), "not a date");

export const windowSchema = z
  .object({ from: when, to: when })
  .refine((w) => w.to > w.from, "the window must end after it starts")
  .refine((w) => w.to.getTime() - w.from.getTime() <= 366 * 86_400_000, "a window is at most a year");

export const thresholdSchema = z.object({
  feature: z.string().min(1).max(40),
  metric: z.enum(DRIFT_METRICS as [string, ...string[]]).transform((m) => m as (typeof DRIFT_METRICS)[number]),
  warning: z.number().finite().positive(),
  drift: z.number().finite().positive(),
  reset: z.boolean().optional(),
});

export const triageSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("acknowledge") }),
  z.object({ action: z.literal("resolve"), note: z.string().max(2000).optional() }),
  z.object({ action: z.literal("reopen") }),
  z.object({ action: z.literal("snooze"), until: when }),
  z.object({ action: z.literal("assign"), assigneeId: recordIdSchema.nullable() }),
  z.object({ action: z.literal("note"), note: z.string().trim().min(1).max(2000) }),
]);

export const sendToLabelingSchema = z.object({
  datasetId: recordIdSchema,
  predictionIds: z.array(recordIdSchema).min(1).max(500),
});

export const alertFilterSchema = z.object({
  status: z.enum([...ALERT_STATUSES, "unresolved"]).optional(),
  severity: z.enum(["warning", "critical"]).optional(),
  feature: z.string().max(40).optional(),
  assigneeId: recordIdSchema.optional(),
});
