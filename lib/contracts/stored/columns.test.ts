import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as audit from "./audit";
import * as datasets from "./datasets";
import * as evaluation from "./evaluation";
import * as labels from "./labels";
import * as models from "./models";
import * as monitoring from "./monitoring";
import { parseStored, StoredJsonError, type StoredJsonContract } from "./parse";
import * as serving from "./serving";
import * as training from "./training";

/** Monitoring's contracts have their own tests (monitoring.test.ts); the others are sampled below. */
const SAMPLED_MODULES = [audit, datasets, evaluation, labels, models, serving, training];

const isContract = (value: unknown): value is StoredJsonContract<never> => typeof value === "object" && value !== null && "where" in value && "schema" in value;
const contractsOf = (modules: object[]) => modules.flatMap((module) => Object.values(module).filter(isContract));
const contracts = contractsOf([...SAMPLED_MODULES, monitoring]);

/** Json columns as prisma/schema.prisma declares them: "Model.column". */
function jsonColumnsOfSchema(): string[] {
  const schema = readFileSync(path.resolve(import.meta.dirname, "../../../prisma/schema.prisma"), "utf8");
  const columns: string[] = [];
  let model = "";
  for (const line of schema.split("\n")) {
    model = /^model (\w+) \{/.exec(line)?.[1] ?? model;
    const field = /^\s+(\w+)\s+Json\??(\s|$)/.exec(line);
    if (field) columns.push(`${model}.${field[1]}`);
  }
  return columns.sort();
}

describe("stored JSON contracts", () => {
  it("give every Json column of the schema exactly one contract", () => {
    const columns = contracts.map((c) => c.where).filter((where) => !where.endsWith(" blob"));
    expect(new Set(columns).size).toBe(columns.length);
    expect(columns.sort()).toEqual(jsonColumnsOfSchema());
  });
});

const box = { className: "with_mask", xmin: 1, ymin: 2, xmax: 30, ymax: 40, difficult: false, truncated: false, occluded: false };
const point = { threshold: 0.25, tp: 3, fp: 1, fn: 2, precision: 0.75, recall: 0.6, f1: 0.67 };
const curve = { confidence: [0, 1], precision: [1, 0], recall: [0, 1], f1: [0, 0] };
const metrics = {
  ...{ AP: 0.4, AP50: 0.6, AP75: 0.4, APs: -1, APm: 0.3, APl: 0.5, AR1: 0.3, AR10: 0.5, AR100: 0.5, ARs: -1, ARm: 0.4, ARl: 0.6 },
  vocMAP50: 0.61,
  classes: ["with_mask"],
  images: 10,
  detections: 25,
  confidence: 0.25,
  micro: { numGt: 5, atConfidence: point, bestF1: null },
  confusion: { labels: ["with_mask", "background"], iouThreshold: 0.5, confidence: 0.25, counts: [[3, 2], [1, 0]] },
  imageAccuracy: { positiveClasses: [], threshold: 0.25, tp: 0, fp: 0, tn: 10, fn: 0, images: 10, accuracy: 1, precision: 0, recall: -1 },
  curves: { perClass: [{ className: "with_mask", pr: { recall: [0, 1], precision: [1, 0] }, f1: curve }], micro: { f1: curve } },
  postprocess: { scoreThreshold: 0.001, iouThreshold: 0.6, maxDetections: 100, multiLabel: true },
};

/** For each sampled contract: a value it stores, and a corrupt one. */
const SAMPLES: Record<string, { good: unknown; corrupt: unknown }> = {
  "AuditLog.detail": { good: { datasetId: "d1", imagesAdded: 3, scopes: ["predict"], previousId: null }, corrupt: ["not", "a", "record"] },
  "Dataset.classes": { good: ["with_mask", "cat"], corrupt: "with_mask" },
  "ImportRun.summary": {
    good: { imagesAdded: 2, imagesUnchanged: 0, imagesChanged: 0, imagesSkipped: 1, unlabeledAdded: 0, boxesAdded: 5, issueCounts: { error: 1, warning: 0, info: 2 } },
    corrupt: { imagesAdded: -1, imagesUnchanged: 0, imagesChanged: 0, imagesSkipped: 0, unlabeledAdded: 0, boxesAdded: 0, issueCounts: { error: 0, warning: 0, info: 0 } },
  },
  "Image.vocExtra": { good: { folder: "VOC2012", source: { database: "x" } }, corrupt: 42 },
  "Box.attributes": { good: { colour: "blue" }, corrupt: "blue" },
  "LabelRevision.before": { good: null, corrupt: { labelStatus: "done", boxes: [] } },
  "LabelRevision.after": { good: { labelStatus: "labeled", boxes: [box, { ...box, id: "b1", source: "human", pose: null, attributes: null }] }, corrupt: { labelStatus: "labeled", boxes: [{ ...box, xmin: "1" }] } },
  "Worker.capabilities": { good: { runtime: "node v22", backend: "wasm", gpu: null, jobKinds: ["one_stage"] }, corrupt: { backend: "tpu" } },
  "TrainingJob.config": { good: { epochs: 5 }, corrupt: { inputSize: 100 } },
  "BlobUpload.chunkKeys": { good: ["a".repeat(64)], corrupt: ["not-a-key"] },
  "TrainingLog.metrics": { good: { epoch: 1, loss: 0.7, lossParts: { box: 0.2 } }, corrupt: [0.7] },
  "ModelVersion.classes": { good: ["with_mask"], corrupt: [1, 2] },
  "ModelVersion.trainingMetrics": { good: { selectedEpoch: 3, val: { mAP50: 0.5, mAP50to95: 0.3, perClassAP50: { with_mask: 0.5 } }, gitCommit: null }, corrupt: { trainingSeconds: "90" } },
  "Evaluation.metrics": { good: metrics, corrupt: { ...metrics, micro: undefined } },
  "Evaluation.perClass": {
    good: [{ className: "with_mask", numGt: 5, numDetections: 9, AP: 0.4, AP50: 0.6, AP75: 0.4, AR100: 0.5, vocAP50: 0.61, vocNumGt: 5, atConfidence: point, bestF1: point }],
    corrupt: [{ className: "with_mask" }],
  },
  "evaluation snapshot blob": {
    good: { classes: ["with_mask"], images: [{ imageId: "i1", boxes: [{ className: "with_mask", box: { xmin: 0, ymin: 0, xmax: 5, ymax: 5 }, difficult: true }] }], detections: [{ imageId: "i1", className: "with_mask", box: { xmin: 0, ymin: 0, xmax: 5, ymax: 5 }, score: 0.9 }] },
    corrupt: { classes: ["with_mask"], images: [], detections: [{ imageId: "i1", className: "with_mask", box: [0, 0, 5, 5], score: 0.9 }] },
  },
  "model artifact index blob": { good: { files: { "model.json": "abc" } }, corrupt: { files: ["model.json"] } },
  "Prediction.detections": { good: [{ className: "with_mask", score: 0.9, box: [1, 2, 3, 4] }], corrupt: [{ className: "with_mask", score: 0.9, box: [1, 2, 3] }] },
  "Prediction.summary": { good: { countsPerClass: { with_mask: 1 }, maxScore: 0.9, meanScore: 0.9 }, corrupt: { countsPerClass: {}, maxScore: 0.9 } },
};

describe.each(contractsOf(SAMPLED_MODULES).map((c) => [c.where, c] as const))("%s", (where, contract) => {
  const sample = SAMPLES[where];

  it("has a sample here", () => {
    expect(sample).toBeDefined();
  });

  it("parses a value as it is stored", () => {
    expect(() => parseStored(contract, sample!.good, "row-1")).not.toThrow();
  });

  it("refuses a corrupt value with an error naming where it is stored and the row", () => {
    const read = () => parseStored(contract, sample!.corrupt, "row-1");
    expect(read).toThrow(StoredJsonError);
    expect(read).toThrow(`${where} (row-1) does not match its contract`);
  });
});
