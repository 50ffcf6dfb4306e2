import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { evaluateCoco } from "@/lib/domain/evaluation/coco-eval";
import { confusionMatrix } from "@/lib/domain/evaluation/confusion";
import { analyseErrors } from "@/lib/domain/evaluation/error-analysis";
import { imageAccuracy } from "@/lib/domain/evaluation/image-accuracy";
import { findLabelIssues } from "@/lib/domain/evaluation/label-issues";
import { operatingPoints } from "@/lib/domain/evaluation/operating-point";
import { prepareEvaluation } from "@/lib/domain/evaluation/prepared";
import { evaluateDetections } from "@/lib/domain/evaluation/report";
import type { Detection, EvaluationInput, GroundTruthImage } from "@/lib/domain/evaluation/types";
import { evaluateVoc } from "@/lib/domain/evaluation/voc-eval";
import { SeededRandom } from "@/lib/domain/random";
import { percentile, round, timeRuns, type BenchRow } from "./bench-row";

const IMAGES = 5_000;
const DETECTIONS_PER_IMAGE = 100;

/**
 * A seeded synthetic evaluation: 5,000 images of 640 × 480 with 1–12 faces (3 classes, 76/19/5 %
 * like the real data, 8–200 px), and 100 detections per image: about half jittered copies of a
 * face (sometimes with the wrong class), the rest anywhere, with uniform scores.
 */
export function syntheticEvaluation(seed = 20261122, images = IMAGES, perImage = DETECTIONS_PER_IMAGE): EvaluationInput {
  const rnd = new SeededRandom(seed);
  const weights = { with_mask: 76, without_mask: 19, mask_weared_incorrect: 5 };
  const gtImages: GroundTruthImage[] = [];
  const detections: Detection[] = [];
  for (let i = 0; i < images; i++) {
    const imageId = `img${i}.jpg`;
    const boxes = Array.from({ length: rnd.int(1, 12) }, () => {
      const w = rnd.range(8, 200);
      const h = w * rnd.range(1, 1.3);
      const xmin = rnd.range(0, 640 - w);
      const ymin = rnd.range(0, 480 - Math.min(h, 479));
      return { className: rnd.weighted(weights), box: { xmin, ymin, xmax: xmin + w, ymax: Math.min(480, ymin + h) }, difficult: rnd.chance(0.02) };
    });
    gtImages.push({ imageId, width: 640, height: 480, boxes });
    for (let d = 0; d < perImage; d++) {
      if (rnd.chance(0.5)) {
        const face = rnd.pick(boxes);
        const w = face.box.xmax - face.box.xmin;
        const h = face.box.ymax - face.box.ymin;
        const j = () => rnd.range(-0.25, 0.25);
        const xmin = face.box.xmin + j() * w;
        const ymin = face.box.ymin + j() * h;
        detections.push({
          imageId,
          className: rnd.chance(0.8) ? face.className : rnd.pick(FACEMASK_CLASSES),
          box: { xmin, ymin, xmax: xmin + w * (1 + j()), ymax: ymin + h * (1 + j()) },
          score: rnd.next(),
        });
      } else {
        const w = rnd.range(8, 150);
        const xmin = rnd.range(0, 600);
        const ymin = rnd.range(0, 440);
        detections.push({ imageId, className: rnd.pick(FACEMASK_CLASSES), box: { xmin, ymin, xmax: xmin + w, ymax: ymin + w }, score: rnd.next() });
      }
    }
  }
  return { classes: FACEMASK_CLASSES, images: gtImages, detections };
}

export async function evaluateBenchmarks(): Promise<BenchRow[]> {
  const input = syntheticEvaluation();
  const boxes = input.images.reduce((sum, image) => sum + image.boxes.length, 0);
  const size = `${IMAGES.toLocaleString("en")} images × ${DETECTIONS_PER_IMAGE} detections, ${boxes.toLocaleString("en")} gt boxes, 3 classes`;
  const rows: BenchRow[] = [];
  const time = async (benchmark: string, fn: () => unknown, notes: string) => {
    const runs = await timeRuns(async () => fn(), 3, 1);
    rows.push({ benchmark, value: round(percentile(runs, 50) / 1000, 2), unit: "s", notes: `p50 of 3 (max ${round(runs[runs.length - 1]! / 1000, 2)} s); ${notes}` });
  };
  await time("COCO bbox eval (pycocotools rules)", () => evaluateCoco(input), `${size}; validation included`);
  await time("VOC AP50 eval", () => evaluateVoc(input), size);
  await time("all metrics (npm run evaluate's report)", () => evaluateDetections(input), "COCO + VOC + operating points + confusion + image accuracy");
  await time("error browser: box outcomes at one confidence", () => analyseErrors(input, { confidence: 0.25 }), `${size}; TP / FP by reason / missed`);
  await time("label-issue finder", () => findLabelIssues(input), `${size}; predictions ≥ 0.5 accuse labels`);

  // What the evaluation page does in the browser on a test split of the real set's size: match
  // once when it opens, then per slider step recompute P/R/F1, the confusion matrix and accuracy.
  const split = syntheticEvaluation(7, 64, 100);
  const prepared = prepareEvaluation(split);
  const opened = await timeRuns(async () => evaluateCoco(prepareEvaluation(split)), 20, 2);
  const { matches50 } = evaluateCoco(prepared);
  let step = 0;
  const moved = await timeRuns(async () => {
    const confidence = (step++ % 100) / 100;
    operatingPoints(matches50, confidence);
    confusionMatrix(prepared, { confidence });
    imageAccuracy(prepared, { threshold: confidence });
  }, 100, 5);
  rows.push({ benchmark: "evaluation page: open (COCO matching)", value: round(percentile(opened, 50), 1), unit: "ms", notes: `p50 of 20 (p95 ${round(percentile(opened, 95), 1)} ms); 64 images × 100 detections` });
  rows.push({ benchmark: "evaluation page: one slider step", value: round(percentile(moved, 50), 2), unit: "ms", notes: `p50 of 100 (p95 ${round(percentile(moved, 95), 2)} ms); P/R/F1 + confusion + image accuracy, 64 images × 100 detections` });
  return rows;
}
