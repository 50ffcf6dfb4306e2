import { describe, expect, it } from "vitest";
import { ModelMetadataError, parseModelMetadata, type ModelMetadata } from "./artifact";

const metadata: ModelMetadata = {
  format: "masklab-detector/1",
  architecture: "mld1s",
  width: "n",
  backbone: "scratch",
  classes: ["with_mask", "without_mask"],
  inputSize: 64,
  strides: [8, 16, 32],
  preprocessing: { letterboxFill: 114, normalize: "pixels/127.5-1" },
  postprocessing: { scoreThreshold: 0.25, iouThreshold: 0.6, maxDetections: 100 },
};
const bytesOf = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

describe("parseModelMetadata (masklab.json)", () => {
  it("reads what training writes", () => {
    expect(parseModelMetadata(bytesOf(metadata))).toEqual(metadata);
  });

  it("names the first problem of an old or foreign masklab.json", () => {
    expect(() => parseModelMetadata(bytesOf({ ...metadata, format: "masklab-detector/0" }))).toThrow(ModelMetadataError);
    expect(() => parseModelMetadata(bytesOf({ ...metadata, format: "masklab-detector/0" }))).toThrow(/can run \(format: /);
    expect(() => parseModelMetadata(bytesOf({ ...metadata, architecture: "yolov8" }))).toThrow(/architecture: /);
    expect(() => parseModelMetadata(bytesOf({ ...metadata, architecture: "mld2s" }))).toThrow(/anchors: an anchor-based model needs its anchors/);
    expect(() => parseModelMetadata(bytesOf("<html>"))).toThrow(/not JSON/);
  });
});
