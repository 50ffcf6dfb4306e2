/**
 * One judge thread (judge-threads.ts): its own TF.js engine on wasm (one core each in Node) with
 * the trained detector, loaded from its artifact files, reading one training photo at a time for
 * the mask judge with the same code as in-process reading (readPhotoForJudge).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ArtifactFiles } from "@/lib/contracts/artifact";
import { modelFromFiles } from "@/lib/detection/artifact";
import { DETECTOR_FAMILIES } from "@/lib/detection/families";
import { judgeFeatureModel } from "@/lib/detection/judge/mask-judge";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { familyOfArchitecture } from "@/lib/domain/detector-families";
import { JUDGE_RECIPE, readPhotoForJudge } from "./judge-training";
import type { JudgeReply, JudgeRequest } from "./judge-threads";

if (!parentPort) throw new Error("judge-thread.ts runs only as a worker thread of judge-threads.ts");
const port = parentPort;
const { files } = workerData as { files: ArtifactFiles };

await useNodeBackend("wasm");
const { model, metadata } = await modelFromFiles(files);
const nets = {
  featureModel: judgeFeatureModel(JUDGE_RECIPE.cropSize, model),
  finder: DETECTOR_FAMILIES[familyOfArchitecture(metadata.architecture)].detector(model, metadata),
  numClasses: metadata.classes.length,
};
const reply = (message: JudgeReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
reply({ type: "ready" });

port.on("message", async (request: JudgeRequest) => {
  try {
    const reading = await readPhotoForJudge(nets, request.bytes, request.image, request.photoSeed, request.minFaceScore);
    reply({ type: "read", id: request.id, reading }, [reading.features.buffer as ArrayBuffer]);
  } catch (error) {
    reply({ type: "failed", id: request.id, message: (error as Error).message });
  }
});
