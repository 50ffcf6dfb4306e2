import type { InferenceSession, Tensor, TensorConstructor } from "onnxruntime-common";
import type { OnnxModelMetadata } from "@/lib/contracts/artifact";
import { toImageSpace } from "../common/letterbox";
import type { Detection } from "../common/nms";
import type { PostprocessOptions } from "../common/postprocess";
import type { RgbImage } from "../common/preprocess";
import type { Detector, NamedDetection } from "../detector";
import { onnxInputOf } from "./onnx-input";
import { decodeTorchvisionOutputs } from "./torchvision-decode";
import { decodeYoloOutput, OnnxOutputError } from "./yolo-decode";

/**
 * An ONNX runtime as the detector uses it: a session over the model, and the Tensor class of the
 * same runtime package (onnxruntime-node on the server, onnxruntime-web in the browser: each
 * checks feeds against its own class, so the detector never imports one).
 */
export interface OnnxRuntime {
  session: InferenceSession;
  Tensor: TensorConstructor;
  /** how latency figures name it, e.g. "onnxruntime-cpu", "onnxruntime-webgpu" */
  name: string;
}

/** Embeddings for drift monitoring, one per image (the server's is Masklab's reference embedding). */
export type ImageEmbedding = (images: readonly RgbImage[]) => Promise<Float32Array[]>;

/**
 * An ONNX model (lib/contracts/artifact.ts's kinds) as a Detector: each image is resized as
 * masklab.json says, run alone (exports usually fix the batch at 1), decoded by its kind, and
 * mapped back to image pixels. `embed` gives detectWithEmbedding its embeddings; without it
 * (the browser) that call throws. dispose() releases the session.
 */
export function onnxDetector(runtime: OnnxRuntime, metadata: OnnxModelMetadata, options: { embed?: ImageEmbedding } = {}): Detector {
  const settings = (overrides?: Partial<PostprocessOptions>): PostprocessOptions => ({ ...metadata.postprocessing, ...overrides });
  const numClasses = metadata.classes.length;

  const decode = (outputs: InferenceSession.ReturnType, postprocess: PostprocessOptions): Detection[] => {
    const output = (name: string) => outputs[name] ?? failMissing(name, outputs);
    if (metadata.kind === "yolo") return decodeYoloOutput(numeric(output(metadata.outputs[0]!)), numClasses, postprocess);
    const [boxes, labels, scores] = metadata.outputs.map(output) as [Tensor, Tensor, Tensor];
    return decodeTorchvisionOutputs({ boxes: numeric(boxes), labels: { data: labels.data as ArrayLike<number | bigint>, dims: labels.dims }, scores: numeric(scores) }, numClasses, postprocess);
  };

  /** One image's detections each way asked for, from one run of the session. */
  const detectOne = async (image: RgbImage, ways: readonly PostprocessOptions[]): Promise<NamedDetection[][]> => {
    const input = await onnxInputOf(image, metadata);
    const feed = new runtime.Tensor("float32", input.data, input.dims);
    const outputs = await runtime.session.run({ [metadata.input.name]: feed });
    try {
      return ways.map((postprocess) => decode(outputs, postprocess).map((d) => ({ ...d, box: toImageSpace(d.box, input.letterbox), className: metadata.classes[d.classIndex]! })));
    } finally {
      feed.dispose();
      for (const tensor of Object.values(outputs)) tensor.dispose();
    }
  };

  const detectEachWay = async (images: readonly RgbImage[], ways: ReadonlyArray<Partial<PostprocessOptions>>) => {
    const results: NamedDetection[][][] = ways.map(() => []);
    for (const image of images) {
      const perWay = await detectOne(image, ways.map(settings));
      perWay.forEach((detections, way) => results[way]!.push(detections));
    }
    return results;
  };
  const detect = async (images: readonly RgbImage[], postprocess?: Partial<PostprocessOptions>) => (await detectEachWay(images, [postprocess ?? {}]))[0]!;

  return {
    metadata,
    detect,
    detectEachWay,
    async detectWithEmbedding(images, postprocess) {
      if (!options.embed) throw new Error("this ONNX detector was loaded without an embedding model (the server loads ONNX models with Masklab's reference embedding)");
      const detections = await detect(images, postprocess);
      return { detections, embeddings: await options.embed(images) };
    },
    async detectPrepared() {
      throw new Error("detectPrepared is not available for ONNX models: call detect() with decoded images");
    },
    runtime: () => runtime.name,
    dispose() {
      void runtime.session.release();
    },
  };
}

function numeric(tensor: Tensor): { data: ArrayLike<number>; dims: readonly number[] } {
  if (tensor.type !== "float32" && tensor.type !== "float64") throw new OnnxOutputError(`an output is ${tensor.type}; float32 expected`);
  return { data: tensor.data as Float32Array, dims: tensor.dims };
}

function failMissing(name: string, outputs: InferenceSession.ReturnType): never {
  throw new OnnxOutputError(`the model has no output "${name}" (it has ${Object.keys(outputs).join(", ")})`);
}
