import * as tf from "@tensorflow/tfjs";
import { modelMetadataSchema, parseModelMetadata, type ArtifactFiles, type ModelMetadata } from "@/lib/contracts/artifact";

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Serialises a model in memory, as tf.loadLayersModel reads it (model.json naming weights.bin). */
export async function modelToFiles(model: tf.LayersModel, metadata: ModelMetadata): Promise<ArtifactFiles> {
  let files: ArtifactFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const weights = data === undefined ? new Uint8Array() : new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
      files = {
        "model.json": encode({ modelTopology: artifacts.modelTopology, format: "layers-model", generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`, convertedBy: null, weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }] }),
        "weights.bin": weights,
        "masklab.json": encode(modelMetadataSchema.parse(metadata)),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.byteLength } };
    }),
  );
  return files!;
}

/** Loads a model from its files (Node or browser); masklab.json is checked first, so a wrong one fails before any weights load. */
export async function modelFromFiles(files: ArtifactFiles): Promise<{ model: tf.LayersModel; metadata: ModelMetadata }> {
  const metadata = parseModelMetadata(files["masklab.json"]);
  const json = JSON.parse(new TextDecoder().decode(files["model.json"])) as { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  const weights = files["weights.bin"];
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    }),
  );
  return { model, metadata };
}
