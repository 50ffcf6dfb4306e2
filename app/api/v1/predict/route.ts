import { PREDICT_LIMITS, predictQuerySchema } from "@/lib/contracts/http/serving";
import { mediaTypeOf } from "@/lib/domain/media-type";
import { formatRateLimitPolicy } from "@/lib/domain/rate-limit-policy";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { limiters } from "@/lib/server/auth/rate-limit";
import { HttpError, parseOrThrow, readBody } from "@/lib/server/platform/http";
import { modelServer } from "@/lib/server/serving/model-server";
import { predictImage } from "@/lib/server/serving/predict";
import { blobStore } from "@/lib/server/platform/storage";

export const dynamic = "force-dynamic";

const MULTIPART_SLACK = 64 * 1024;

/**
 * POST an image → PredictionResult (lib/contracts/http/serving.ts, published at
 * /api/v1/openapi.json): the production model (or ?model=) on one image, boxes in image pixels.
 * The image is the raw body (image/*, application/octet-stream) or the form field `image` of a
 * multipart/form-data body. Callers: signed-in users or API keys with the predict
 * scope, rate-limited per caller. Bad input is a 4xx saying what is wrong, never a 500.
 */
export const POST = guarded(
  "models.predict",
  async (request, { actor }) => {
    const caller = actor.kind === "apiKey" ? `key:${actor.keyId}` : `user:${actorUserId(actor)}`;
    const limiter = limiters().predictionsPerCaller;
    const decision = await limiter.hit(caller);
    // Every answer names the limit, so a client (npm run simulate) can pace itself under it.
    const policy = { "RateLimit-Policy": formatRateLimitPolicy(limiter.limit, limiter.windowMs) };
    if (!decision.allowed) throw new HttpError(429, "too many prediction requests: slow down", {}, { ...policy, "Retry-After": String(decision.retryAfterSeconds) });
    const query = parseOrThrow(predictQuerySchema, Object.fromEntries(new URL(request.url).searchParams), "query");
    const bytes = await imageOf(request);
    const store = blobStore();
    const result = await predictImage(bytes, { model: query.model, source: query.source, keepImage: query.keep === "1" || query.keep === "true" }, { server: modelServer(store), store });
    return Response.json(result, { headers: policy });
  },
  { apiKey: true },
);

async function imageOf(request: Request): Promise<Buffer> {
  const contentType = request.headers.get("content-type") ?? "";
  const type = mediaTypeOf(contentType);
  if (type === "multipart/form-data") {
    const body = await readBody(request, PREDICT_LIMITS.maxBytes + MULTIPART_SLACK);
    let form: FormData;
    try {
      form = await new Response(Buffer.from(body), { headers: { "content-type": contentType } }).formData();
    } catch {
      throw new HttpError(400, "the multipart body cannot be read");
    }
    const file = form.get("image");
    if (!(file instanceof Blob)) throw new HttpError(400, "send the image in a form field named image");
    return Buffer.from(await file.arrayBuffer());
  }
  if (type.startsWith("image/") || type === "application/octet-stream") return Buffer.from(await readBody(request, PREDICT_LIMITS.maxBytes));
  throw new HttpError(415, "send an image: the raw body (Content-Type image/jpeg, image/png, …) or a multipart/form-data field named image");
}
