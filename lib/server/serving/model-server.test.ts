import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelVersion } from "@/generated/prisma/client";
import type { Detector } from "@/lib/detection/detector";
import { registerServedModel } from "../testing/served-model";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";
import { ModelServer } from "./model-server";

let env: SampleTestEnv;
let first: ModelVersion;
let second: ModelVersion;

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 4, seed: 9 });
  first = await registerServedModel(env.summary.datasetId, env, 64);
  second = await registerServedModel(env.summary.datasetId, env, 64, "two_stage");
}, 120_000);
afterAll(async () => env?.cleanup());

describe("the model server's detectors", () => {
  it("disposes a replaced model once its last request finishes, and every model on dispose()", async () => {
    const before = tf.memory().numTensors;
    const server = new ModelServer({ store: env.store, db: env.db }, { keepLoaded: 1 });
    const oneLoaded = await server.run(first, async () => tf.memory().numTensors);
    expect(oneLoaded).toBeGreaterThan(before);

    // The second version loads while a request still holds the first: the first stays usable until that request ends.
    let release!: () => void;
    const holding = server.run(first, (detector) => new Promise<Detector>((resolve) => (release = () => resolve(detector))));
    const swapped = server.run(second, async () => server.loadedVersions());
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    const replaced = await holding;
    expect(await swapped).toEqual([second.id]);
    expect(() => replaced.dispose()).toThrow(/already disposed/);

    await server.dispose();
    expect(server.loadedVersions()).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
