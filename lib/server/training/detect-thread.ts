/**
 * One detection thread (detect-threads.ts): its own TF.js engine on wasm (one core each in Node)
 * with a model loaded from its artifact files (its judge included), detecting one photo at a time
 * as the model's detector does in process.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ArtifactFiles } from "@/lib/contracts/artifact";
import { loadDetector } from "@/lib/detection/families";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { decodeImageRgb } from "@/lib/server/images/decode";
import type { DetectReply, DetectRequest } from "./detect-threads";

if (!parentPort) throw new Error("detect-thread.ts runs only as a worker thread of detect-threads.ts");
const port = parentPort;
const { files } = workerData as { files: ArtifactFiles };

await useNodeBackend("wasm");
const detector = await loadDetector(files);
const reply = (message: DetectReply) => port.postMessage(message);
reply({ type: "ready" });

port.on("message", async (request: DetectRequest) => {
  try {
    const rgb = await decodeImageRgb(Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength));
    const perWay = await detector.detectEachWay([rgb], request.ways);
    reply({ type: "detected", id: request.id, detections: perWay.map(([detections]) => detections!.map(({ box, score, classIndex }) => ({ box, score, classIndex }))) });
  } catch (error) {
    reply({ type: "failed", id: request.id, message: (error as Error).message });
  }
});
