import { onnxUploadFieldsSchema, type OnnxRegistration } from "@/lib/contracts/http/onnx-models";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { contentLengthOf, parseOrThrow } from "@/lib/server/platform/http";
import { blobStore } from "@/lib/server/platform/storage";
import { maxModelBytes, registerOnnxModel } from "@/lib/server/models/onnx-registration";
import { receiveModelUpload } from "@/lib/server/models/onnx-upload";

export const dynamic = "force-dynamic";
export const maxDuration = 900;

/**
 * Upload an ONNX detector (multipart: `file` plus the fields of lib/contracts/http/onnx-models.ts).
 * 201: registered as a candidate after verification; 413: over the size limit; 422: not a
 * detector Masklab can run as declared, with what was expected. Nothing is registered on a refusal.
 */
export const POST = guarded("training.manage", async (request, { actor, ip }) => {
  const upload = await receiveModelUpload(request.body, request.headers.get("content-type") ?? "", contentLengthOf(request), maxModelBytes());
  try {
    const fields = parseOrThrow(onnxUploadFieldsSchema, upload.fields);
    const { version, metadata, verification } = await registerOnnxModel({ ...fields, filePath: upload.filePath, fileName: upload.fileName, createdById: actorUserId(actor) }, { store: blobStore() });
    await audit("model.onnx_registered", { actorId: actorUserId(actor), target: `${version.name} v${version.version}`, detail: { modelVersionId: version.id, kind: fields.kind, file: upload.fileName }, ip });
    const answer: OnnxRegistration = { id: version.id, name: version.name, version: version.version, kind: fields.kind, inputSize: version.inputSize, classes: metadata.classes, verification };
    return Response.json(answer, { status: 201 });
  } finally {
    await upload.discard();
  }
});
