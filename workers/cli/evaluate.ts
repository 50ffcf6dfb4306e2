/**
 * npm run evaluate -- --gt <coco.json|voc-folder> --dt <coco-results.json> [--iou-type bbox] [--conf 0.25] [--json]
 * Evaluates detections against ground truth: COCO's 12 numbers (pycocotools rules), VOC mAP@0.5
 * and a per-class table; --json prints everything as one object. Exit code 0 on success, 2 on
 * usage or input errors (one line on stderr), 1 on anything unexpected.
 */
import { runEvaluate } from "./evaluate-command";

runEvaluate(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}).then((code) => {
  process.exitCode = code;
});
