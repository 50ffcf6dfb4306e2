import { thresholdSchema } from "@/lib/contracts/http/monitoring";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { effectiveThresholds } from "@/lib/server/monitoring/dashboard";
import { setThreshold } from "@/lib/server/monitoring/thresholds";

export const dynamic = "force-dynamic";

/** GET → every feature × metric with the thresholds in force. */
export const GET = guarded("data.view", async () => Response.json(await effectiveThresholds()));

/** PUT { feature, metric, warning, drift, reset? } → the thresholds after the change. */
export const PUT = guarded("thresholds.manage", async (request, { actor, ip }) => {
  const input = await readJson(request, thresholdSchema);
  await setThreshold(input, actorUserId(actor));
  await audit("threshold.changed", { actorId: actorUserId(actor), target: `${input.feature} ${input.metric}`, detail: input, ip });
  return Response.json(await effectiveThresholds());
});
