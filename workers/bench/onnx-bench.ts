import { readdir, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { parseOnnxModelMetadata } from "@/lib/contracts/artifact";
import { modelToFiles } from "@/lib/detection/artifact";
import { FACE_MOBILENET_FEATURES } from "@/lib/detection/backbones/face-mobilenet-v1";
import type { RgbImage } from "@/lib/detection/common/preprocess";
import { modelInputs } from "@/lib/detection/common/preprocess";
import type { Detector } from "@/lib/detection/detector";
import { DETECTOR_FAMILIES, detectorMetadata } from "@/lib/detection/families";
import { layersModelToOnnx } from "@/lib/detection/onnx/graph-from-layers";
import { oneStageToYoloOnnx } from "@/lib/detection/onnx/one-stage-export";
import { selectNodeBackend } from "@/lib/detection/tf/node-backend";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { writeSampleDataset } from "@/lib/server/datasets/sample-dataset";
import { importVocFolder } from "@/lib/server/datasets/voc-import";
import { decodeImageRgb } from "@/lib/server/images/decode";
import { loadModelDetector, readOnnxModelFiles } from "@/lib/server/models/model-loader";
import { registerModelVersion } from "@/lib/server/models/model-registry";
import { registerOnnxModel } from "@/lib/server/models/onnx-registration";
import { createOnnxSession, onnxDetectorOver } from "@/lib/server/models/onnx-runtime";
import { loadFaceSsdMobileNetWeights } from "@/lib/server/training/pretrained-weights";
import { percentile, round, timeRuns, withBenchEnv, type BenchEnv, type BenchRow } from "./bench-row";

const SIZE = 416;
const RUNS = 30;
const WARMUP = 3;
/** The most an exported backbone feature may differ from TF.js's (float32 through 27 layers). */
const FEATURE_TOLERANCE = 1e-3;
/** Low enough that the untrained heads give detections to compare. */
const AGREEMENT_THRESHOLD = 0.02;
const INSTALLED_PACKAGES = ["onnxruntime-node", "onnxruntime-web", "onnxruntime-common", "protobufjs"];

/**
 * The same network on the server's two runtimes: Masklab's one-stage detector MLD-1S-n at 416 px
 * (the face-api MobileNetV1 backbone with its shipped weights, the feature pyramid and untrained
 * heads, built by the family's recipe as training builds it) timed through TF.js on wasm, and
 * exported layer by layer to an Ultralytics-signature ONNX file ([1, 3, 416, 416] → [1, 7, 3549];
 * the per-point decoding is in the graph), registered through ONNX registration, and timed through
 * onnxruntime-node. Both are loaded by loadModelDetector and timed by detect() on one decoded
 * sample image, so letterbox, normalisation (the same TF.js code on wasm for both), decoding and
 * NMS are in both figures. Before timing, the export is checked: backbone features within
 * FEATURE_TOLERANCE (else the suite fails) and the two detectors' detections side by side.
 */
export async function onnxBenchmarks(): Promise<BenchRow[]> {
  return withBenchEnv("onnx", async ({ work, db, store }) => {
    await selectNodeBackend("wasm");
    const folder = path.join(work, "sample-voc");
    await writeSampleDataset(folder, { count: 4, seed: 21 });
    const { datasetId } = await importVocFolder(folder, { name: "onnx-bench", db, store });
    const sample = await db.image.findFirstOrThrow({ where: { datasetId }, orderBy: { fileName: "asc" }, select: { contentHash: true, width: true, height: true } });
    const image = await decodeImageRgb(await store.get(sample.contentHash));
    const imageNote = `${sample.width}×${sample.height} sample image letterboxed to ${SIZE} px`;

    let featureDifference = NaN;
    const { tfjsVersion, onnxVersion, parameterCount } = await registerOneStageTwins(datasetId, { work, db, store }, async (model) => {
      featureDifference = await backboneDifference(model, image);
      if (featureDifference > FEATURE_TOLERANCE) throw new Error(`the ONNX backbone's features differ from TF.js's by ${featureDifference} (> ${FEATURE_TOLERANCE}): the export is not the same network`);
    });

    const agreement = await detectionAgreement(await loadModelDetector(tfjsVersion, store), await loadModelDetector(onnxVersion, store), image);

    const cores = os.availableParallelism();
    const rows: BenchRow[] = [];
    const timed = async (label: string, load: () => Promise<Detector>, sizeBytes: number | null, note: string) => {
      const started = performance.now();
      const detector = await load();
      const loadMs = performance.now() - started;
      const firstStarted = performance.now();
      await detector.detect([image]);
      const firstMs = performance.now() - firstStarted;
      const times = await timeRuns(() => detector.detect([image]), RUNS, WARMUP);
      detector.dispose();
      const p50 = percentile(times, 50);
      rows.push({
        benchmark: `server inference: ${label}`,
        value: round(p50),
        unit: "ms p50",
        notes: `p95 ${round(percentile(times, 95))} ms, ${round(1000 / p50)} img/s; cold load ${Math.round(loadMs)} ms + first detect ${Math.round(firstMs)} ms; ${sizeBytes === null ? "size not recorded" : `${round(sizeBytes / 1024 ** 2)} MB on disk`}; ${note}`,
      });
    };

    const common = `detect() on a ${imageNote}, batch 1, ${RUNS} runs after ${WARMUP} warm-ups + the first`;
    await timed("TF.js wasm, 1 thread", () => loadModelDetector(tfjsVersion, store), tfjsVersion.sizeBytes, `MLD-1S-n, ${parameterCount.toLocaleString("en")} parameters; ${common}`);
    rows.push({ benchmark: `server inference: TF.js wasm, ${cores} threads`, value: "n/a", unit: "", notes: "TF.js turns wasm threads off in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there, tfjs#3830): the server's TF.js path uses one core on any machine" });
    const onnxNote = `the same layers and weights exported to ONNX (YOLOv8 signature, decoding in the graph); ${common}`;
    await timed("onnxruntime-node CPU, 1 thread", async () => {
      const files = await readOnnxModelFiles(onnxVersion.artifactKey, store);
      return onnxDetectorOver(await createOnnxSession(files["model.onnx"], 1), parseOnnxModelMetadata(files["masklab.json"]));
    }, onnxVersion.sizeBytes, `${onnxNote}; session made as loadOnnxDetector makes it, with intraOpNumThreads 1`);
    await timed(`onnxruntime-node CPU, ${cores} threads`, () => loadModelDetector(onnxVersion, store), onnxVersion.sizeBytes, `${onnxNote}; through loadModelDetector (threads = cores)`);
    rows.push({ benchmark: "ONNX export check: detections", value: agreement.maxBoxDifference.toExponential(1), unit: "px max |Δ|", notes: `${agreement.tfjs} TF.js vs ${agreement.onnx} ONNX detections at score ≥ ${AGREEMENT_THRESHOLD} on the sample image, matched in order; score max |Δ| ${agreement.maxScoreDifference.toExponential(1)}` });
    rows.push({ benchmark: "ONNX export check: backbone features", value: featureDifference.toExponential(1), unit: "max |Δ|", notes: `the exported backbone's 3 feature maps vs TF.js's on the sample image (limit ${FEATURE_TOLERANCE})` });

    for (const name of INSTALLED_PACKAGES) {
      const dir = packageDir(name);
      const binaries = name === "onnxruntime-node" ? ` (this platform's native runtime: ${round((await directoryBytes(path.join(dir, "bin", "napi-v6", process.platform, process.arch)).catch(() => 0)) / 1024 ** 2)} MB; the rest are other platforms' binaries)` : "";
      rows.push({ benchmark: `install size: ${name}`, value: round((await directoryBytes(dir)) / 1024 ** 2), unit: "MB", notes: `node_modules/${name}, apparent size${binaries}` });
    }
    return rows;
  });
}

/**
 * MLD-1S-n at SIZE registered twice on a dataset, the same network and weights in both: built by
 * the one-stage recipe as training builds it (the face-api MobileNetV1 backbone with its shipped
 * weights, untrained heads, seed 1) and registered as Masklab's TF.js artifact, then exported
 * layer by layer to an Ultralytics-signature ONNX file and registered through ONNX registration
 * (which verifies it and runs it once on a dataset image). `check` sees the built model before
 * the export is registered; a throw there registers no ONNX version.
 */
export async function registerOneStageTwins(datasetId: string, { work, db, store }: BenchEnv, check?: (model: tf.LayersModel) => Promise<void>) {
  await selectNodeBackend("wasm");
  const classes = [...FACEMASK_CLASSES];
  const weights = await loadFaceSsdMobileNetWeights();
  const model = DETECTOR_FAMILIES.one_stage.recipe.buildTrainable({ inputSize: SIZE, numClasses: classes.length, width: "n", seed: 1 }, { weights });
  const metadata = detectorMetadata("one_stage", { width: "n", backbone: "face-mobilenet-v1", classes, inputSize: SIZE });
  const parameterCount = model.countParams();
  const onnxPath = path.join(work, "mld1s-n-416.onnx");
  let tfjsVersion;
  try {
    tfjsVersion = await registerModelVersion({ name: "bench-mld1s-n", kind: "one_stage", datasetId, trainingJobId: null, files: { ...(await modelToFiles(model, metadata)) }, classes, inputSize: SIZE, parameterCount, trainingMetrics: {} }, store, db);
    await writeFile(onnxPath, oneStageToYoloOnnx(model, metadata));
    await check?.(model);
  } finally {
    model.dispose();
  }
  const { version: onnxVersion } = await registerOnnxModel({ filePath: onnxPath, fileName: path.basename(onnxPath), kind: "yolo", dataset: datasetId, classes }, { store, db });
  return { tfjsVersion, onnxVersion, parameterCount };
}

/**
 * Largest difference between the TF.js backbone's feature maps and the ONNX export of the same
 * layers (run by ONNX Runtime) on the sample image, as the detector prepares it.
 */
async function backboneDifference(detector: tf.LayersModel, image: RgbImage): Promise<number> {
  const backbone = tf.model({ inputs: detector.inputs, outputs: FACE_MOBILENET_FEATURES.map((f) => detector.getLayer(`backbone_pw_${f.block}_relu6`).output as tf.SymbolicTensor) });
  const { batch } = modelInputs([image], SIZE);
  const expected = (backbone.predict(batch) as tf.Tensor4D[]).map((t) => {
    const values = tf.tidy(() => tf.transpose(t, [0, 3, 1, 2]).dataSync() as Float32Array);
    t.dispose();
    return values;
  });
  const input = tf.tidy(() => tf.transpose(batch, [0, 3, 1, 2]).dataSync() as Float32Array);
  batch.dispose();
  const session = await ort.InferenceSession.create(layersModelToOnnx(backbone), { logSeverityLevel: 3 });
  try {
    const outputs = await session.run({ [session.inputNames[0]!]: new ort.Tensor("float32", input, [1, 3, SIZE, SIZE]) });
    let worst = 0;
    session.outputNames.forEach((name, i) => {
      const actual = outputs[name]!.data as Float32Array;
      const wanted = expected[i]!;
      if (actual.length !== wanted.length) throw new Error(`feature map ${i}: ${actual.length} values from ONNX, ${wanted.length} from TF.js`);
      for (let k = 0; k < wanted.length; k++) worst = Math.max(worst, Math.abs(actual[k]! - wanted[k]!));
    });
    return worst;
  } finally {
    await session.release();
  }
}

/**
 * Both detectors' detections on the image at a low threshold (the untrained heads score about
 * 0.01–0.08 everywhere, so the serving threshold leaves none to compare), matched in rank order.
 */
async function detectionAgreement(tfjs: Detector, onnx: Detector, image: RgbImage) {
  const [[a], [b]] = await Promise.all([tfjs.detect([image], { scoreThreshold: AGREEMENT_THRESHOLD }), onnx.detect([image], { scoreThreshold: AGREEMENT_THRESHOLD })]);
  tfjs.dispose();
  onnx.dispose();
  let maxBoxDifference = 0;
  let maxScoreDifference = 0;
  a!.slice(0, b!.length).forEach((d, i) => {
    const e = b![i]!;
    maxBoxDifference = Math.max(maxBoxDifference, ...(["xmin", "ymin", "xmax", "ymax"] as const).map((k) => Math.abs(d.box[k] - e.box[k])));
    maxScoreDifference = Math.max(maxScoreDifference, Math.abs(d.score - e.score));
  });
  return { tfjs: a!.length, onnx: b!.length, maxBoxDifference, maxScoreDifference };
}

/** node_modules/<name> of this checkout (the install a user gets from npm install). */
const packageDir = (name: string) => path.join(process.cwd(), "node_modules", name);

/** Sum of the file sizes under a folder (what `du --apparent-size` counts). */
async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}
