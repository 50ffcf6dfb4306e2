import type { JudgeScoring } from "@/lib/contracts/artifact";
import type { Detection } from "../common/nms";
import type { PostprocessOptions } from "../common/postprocess";

/** A judged face's score from its face score and the judge's p(class): see masklab.json's `judge.scoring`. */
export function judgedScore(scoring: JudgeScoring, face: number, p: number): number {
  return scoring === "geometric-mean" ? Math.sqrt(face * p) : face * p;
}

/**
 * The lowest face score that can still give a judged score of `threshold` (p(class) ≤ 1): the
 * faces the detector must pass on, so serving keeps exactly the judged detections that evaluation
 * counts at the same threshold.
 */
export function faceScoreReaching(scoring: JudgeScoring, threshold: number): number {
  return scoring === "geometric-mean" ? threshold * threshold : threshold;
}

/**
 * Faces found (a face score each) and the judge's class probabilities for each → detections.
 * A face of class c scores by face and p(c) (`judgedScore`): the chance that there is a face here
 * and that its mask is in state c. Multi-label (evaluation) keeps every class above the threshold,
 * so a face the judge is unsure of counts toward both curves; otherwise (serving) each face gets
 * its likeliest class. Best first, at most maxDetections.
 */
export function rescoreFaces(faces: readonly Detection[], probabilities: ArrayLike<number>, numClasses: number, options: Pick<PostprocessOptions, "scoreThreshold" | "maxDetections" | "multiLabel">, scoring: JudgeScoring = "product"): Detection[] {
  const out: Detection[] = [];
  faces.forEach((face, f) => {
    const p = (c: number) => probabilities[f * numClasses + c]!;
    if (options.multiLabel) {
      for (let c = 0; c < numClasses; c++) {
        const score = judgedScore(scoring, face.score, p(c));
        if (score >= options.scoreThreshold) out.push({ box: face.box, score, classIndex: c });
      }
      return;
    }
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (p(c) > p(best)) best = c;
    const score = judgedScore(scoring, face.score, p(best));
    if (score >= options.scoreThreshold) out.push({ box: face.box, score, classIndex: best });
  });
  return out.sort((a, b) => b.score - a.score).slice(0, options.maxDetections);
}
