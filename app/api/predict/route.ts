import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { limiters } from "@/lib/server/auth/rate-limit";
import { HttpError } from "@/lib/server/http";
import { productionModel } from "@/lib/server/model-registry";

export const dynamic = "force-dynamic";

/**
 * The prediction API: a signed-in user or an API key with the `predict` scope, rate-limited per
 * caller. Running a model arrives with the serving issue; until a model version is in
 * production (and the serving path exists) the answer is an honest 503.
 */
export const POST = guarded(
  "models.predict",
  async (_request, { actor }) => {
    const caller = actor.kind === "apiKey" ? `key:${actor.keyId}` : `user:${actorUserId(actor)}`;
    const decision = limiters().predictionsPerCaller.hit(caller);
    if (!decision.allowed) throw new HttpError(429, "too many prediction requests: slow down", {}, { "Retry-After": String(decision.retryAfterSeconds) });
    const model = await productionModel();
    if (!model) throw new HttpError(503, "no model version is in production yet: promote one on the Models page");
    throw new HttpError(503, `serving ${model.name} v${model.version} is not available yet: this build cannot run models on the server`);
  },
  { apiKey: true },
);
