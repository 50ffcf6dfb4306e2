import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ModelMetadata } from "@/lib/contracts/artifact";
import { modelFromFiles, modelToFiles } from "./artifact";
import { buildOneStageDetector, ONE_STAGE_STRIDES } from "./one-stage/model";
import { useNodeBackend } from "./tf/node-backend";

beforeAll(async () => {
  await useNodeBackend("wasm");
});

const metadata: ModelMetadata = {
  format: "masklab-detector/1",
  architecture: "mld1s",
  width: "n",
  backbone: "scratch",
  classes: ["with_mask", "without_mask", "mask_weared_incorrect"],
  inputSize: 64,
  strides: [...ONE_STAGE_STRIDES],
  preprocessing: { letterboxFill: 114, normalize: "pixels/127.5-1" },
  postprocessing: { scoreThreshold: 0.25, iouThreshold: 0.6, maxDetections: 100 },
};

describe("model artifacts", () => {
  it("save to model.json + weights.bin + masklab.json and load back to identical predictions", async () => {
    const model = buildOneStageDetector(64, 3, "n");
    const x = tf.randomUniform([1, 64, 64, 3], -1, 1, "float32", 5);
    const before = await (model.predict(x) as tf.Tensor).data();
    const files = await modelToFiles(model, metadata);
    expect(JSON.parse(new TextDecoder().decode(files["model.json"])).weightsManifest[0].paths).toEqual(["weights.bin"]);
    expect(files["weights.bin"].byteLength).toBe(model.countParams() * 4);
    const loaded = await modelFromFiles(files);
    expect(loaded.metadata).toEqual(metadata);
    const after = await (loaded.model.predict(x) as tf.Tensor).data();
    expect([...after]).toEqual([...before]);
  });

  it("refuse metadata that would make inference guess", async () => {
    const model = buildOneStageDetector(64, 3, "n");
    await expect(modelToFiles(model, { ...metadata, inputSize: 0 })).rejects.toThrow();
  });

  it("refuse to load a model whose masklab.json this version cannot run, saying why", async () => {
    const files = await modelToFiles(buildOneStageDetector(64, 3, "n"), metadata);
    const old = { ...files, "masklab.json": new TextEncoder().encode(JSON.stringify({ ...metadata, format: "masklab-detector/0" })) };
    await expect(modelFromFiles(old)).rejects.toThrow(/masklab\.json does not describe a model this version of Masklab can run \(format: /);
  });
});
