import type { Detection } from "../common/nms";
import type { PostprocessOptions } from "../common/postprocess";

/**
 * Faces found (a face score each) and the judge's class probabilities for each → detections.
 * A face of class c scores face × p(c): the chance that there is a face here and that its mask
 * is in state c. Multi-label (evaluation) keeps every class above the threshold, so a face the
 * judge is unsure of counts toward both curves; otherwise (serving) each face gets its likeliest
 * class. Best first, at most maxDetections.
 */
export function rescoreFaces(faces: readonly Detection[], probabilities: ArrayLike<number>, numClasses: number, options: Pick<PostprocessOptions, "scoreThreshold" | "maxDetections" | "multiLabel">): Detection[] {
  const out: Detection[] = [];
  faces.forEach((face, f) => {
    const p = (c: number) => probabilities[f * numClasses + c]!;
    if (options.multiLabel) {
      for (let c = 0; c < numClasses; c++) {
        const score = face.score * p(c);
        if (score >= options.scoreThreshold) out.push({ box: face.box, score, classIndex: c });
      }
      return;
    }
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (p(c) > p(best)) best = c;
    const score = face.score * p(best);
    if (score >= options.scoreThreshold) out.push({ box: face.box, score, classIndex: best });
  });
  return out.sort((a, b) => b.score - a.score).slice(0, options.maxDetections);
}
