import { z } from "zod";
import { ONNX_MODEL_KINDS } from "../artifact";

/**
 * POST /api/models/onnx: multipart/form-data with the .onnx file (field `file`) and these fields.
 * `classes` is comma-separated, in the order of the model's class ids (default: the dataset's).
 */
export const onnxUploadFieldsSchema = z.object({
  kind: z.enum(ONNX_MODEL_KINDS),
  /** the dataset it is judged on: id or name */
  dataset: z.string().trim().min(1, "choose the dataset the model is judged on"),
  classes: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.split(",").map((c) => c.trim()).filter(Boolean) : undefined)),
  inputSize: z.preprocess((value) => (value === "" || value === undefined ? undefined : Number(value)), z.number().int().min(32).max(4096).optional()),
  name: z.string().trim().max(100).optional(),
  source: z.string().trim().max(500).optional(),
});
export type OnnxUploadFields = z.input<typeof onnxUploadFieldsSchema>;

/** 201: the registered version and what verification established. */
export const onnxRegistrationSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  kind: z.enum(ONNX_MODEL_KINDS),
  inputSize: z.number().int(),
  classes: z.array(z.string()),
  verification: z.object({
    opset: z.number().int(),
    producer: z.string(),
    input: z.string(),
    outputs: z.array(z.string()),
    parameterCount: z.number().int(),
    testImage: z.string(),
    testDetections: z.number().int(),
  }),
});
export type OnnxRegistration = z.infer<typeof onnxRegistrationSchema>;
