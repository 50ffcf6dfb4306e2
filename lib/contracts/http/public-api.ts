import type { PublicApi, PublicOperation, PublicResponse } from "../openapi";
import { datasetExportQuerySchema, datasetPathSchema } from "./datasets";
import { apiErrorSchema } from "./json";
import { PREDICT_LIMITS, predictFormSchema, predictionResultSchema, predictQuerySchema } from "./serving";

/**
 * What an outside client calls with an API key: the operations published at
 * GET /api/v1/openapi.json and on the reference page (/docs/api). A route that starts accepting
 * API keys belongs here too.
 */

const error = (description: string, headers?: PublicResponse["headers"]): PublicResponse => ({ description, content: { "application/json": apiErrorSchema }, ...(headers ? { headers } : {}) });

const RATE_LIMIT_POLICY = { "RateLimit-Policy": "the caller's limit, e.g. 600;w=60 (requests per window of seconds): pace yourself under it" };

const keyRefusals = {
  401: error("no API key, or an unknown or revoked one"),
  403: error("the key's scopes do not allow this, or its creator may no longer do it"),
} as const;

const megabytes = PREDICT_LIMITS.maxBytes / (1024 * 1024);
const megapixels = PREDICT_LIMITS.maxPixels / 1_000_000;

const predict: PublicOperation = {
  operationId: "predict",
  method: "post",
  path: "/api/v1/predict",
  deprecatedPaths: ["/api/predict"],
  summary: "Detect faces and masks in one image",
  description: [
    "Runs the model in production (or `?model=`) on one image and answers its detections, boxes in the image's pixels, post-processed as the model serves (one class per box, its score threshold, NMS).",
    "Send the image as the raw body (`image/*` or `application/octet-stream`) or as the form field `image` of a `multipart/form-data` body.",
    `At most ${megabytes} MB and ${megapixels} megapixels, checked from the image header before decoding.`,
    "Every prediction is logged (append-only) for drift monitoring; the image itself only with `keep=1`. Requests are rate-limited per caller.",
  ].join(" "),
  scope: "predict",
  query: predictQuerySchema,
  requestBody: {
    description: "the image: raw bytes, or a multipart form with the field image",
    content: { "image/*": null, "application/octet-stream": null, "multipart/form-data": predictFormSchema },
  },
  responses: {
    200: { description: "the detections, and what was logged with them", content: { "application/json": predictionResultSchema }, headers: RATE_LIMIT_POLICY },
    400: error("an empty, unreadable or truncated image, a multipart body without the field image, or a malformed query"),
    ...keyRefusals,
    404: error("no model version matches ?model="),
    413: error(`the image is over ${megabytes} MB or ${megapixels} megapixels`),
    415: error("the body is neither an image, application/octet-stream nor multipart/form-data"),
    429: error("too many requests from this caller: wait Retry-After seconds", { ...RATE_LIMIT_POLICY, "Retry-After": "seconds until the next request is accepted" }),
    503: error("no model is in production, or it cannot be loaded"),
  },
  example: [
    'curl -H "Authorization: Bearer $MASKLAB_KEY" -H "Content-Type: image/jpeg" --data-binary @photo.jpg "$MASKLAB_URL/api/v1/predict?source=door-1"',
    'curl -H "Authorization: Bearer $MASKLAB_KEY" -F image=@photo.jpg "$MASKLAB_URL/api/v1/predict?model=NAME@VERSION&keep=1"',
  ].join("\n"),
};

const exportDataset: PublicOperation = {
  operationId: "exportDataset",
  method: "get",
  path: "/api/datasets/{id}/export",
  summary: "Download a dataset",
  description:
    "A zip of the dataset's images and labels in the chosen format, or of the images the filter matches. The zip is streamed as it is made, whatever the dataset's size.",
  scope: "export",
  pathParameters: datasetPathSchema,
  query: datasetExportQuerySchema,
  responses: {
    200: { description: "the zip", content: { "application/zip": null }, headers: { "Content-Disposition": "attachment, with the file name" } },
    400: error("an unknown format or an invalid filter"),
    ...keyRefusals,
    404: error("no dataset has this id"),
  },
  example: 'curl -H "Authorization: Bearer $MASKLAB_KEY" -o dataset.zip "$MASKLAB_URL/api/datasets/$DATASET_ID/export?format=coco&split=test"',
};

export const PUBLIC_API: PublicApi = {
  title: "Masklab API",
  version: "1",
  description:
    "What machine clients (cameras, pipelines) call with an API key. Create a key under Settings → API keys; it does only what its scopes say (predict, export) and stops working when revoked or when its creator may no longer do that. Errors are JSON `{ error }` with a message that says what is wrong.",
  authentication: "an API key (mk_<prefix>_<secret>), sent as Authorization: Bearer <key>",
  schemas: { PredictionResult: predictionResultSchema, Error: apiErrorSchema },
  operations: [predict, exportDataset],
};
