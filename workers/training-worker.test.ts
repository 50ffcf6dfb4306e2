import { spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimNextJob, enqueueJob, getJob } from "@/lib/server/training/job-queue";
import { createTestEnv, type TestEnv } from "@/lib/server/testing/test-env";

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv();
});
afterEach(() => env.cleanup());

async function waitFor(condition: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) if (await condition()) return;
  throw new Error(`timed out waiting for ${what}`);
}

describe("the training worker process", () => {
  it("registers, re-queues a dead worker's job and runs it, runs both detector kinds, and stops cleanly on SIGTERM", { timeout: 60_000 }, async () => {
    const datasetId = (await env.db.dataset.create({ data: { name: "masks", classes: ["with_mask"] } })).id;
    const queued = await enqueueJob({ datasetId, kind: "one_stage", config: {} }, { db: env.db });
    await env.db.worker.create({ data: { id: "dead", kind: "training", hostname: "gone", pid: 1, status: "busy" } });
    const orphan = (await claimNextJob("dead", { kinds: ["one_stage"], leaseMs: 1, db: env.db }))!;
    const other = await enqueueJob({ datasetId, kind: "two_stage", config: {} }, { db: env.db });
    expect(orphan.id).toBe(queued.id);

    const child = spawn(process.execPath, ["--import", "tsx", "workers/training-worker.ts"], {
      // auto on this CPU machine: wasm (a lavapipe adapter, if installed, is software and not taken)
      env: { ...process.env, DATA_DIR: env.dir, DATABASE_URL: "", MASKLAB_BACKEND: "auto", MASKLAB_ALLOW_SOFTWARE_WEBGPU: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, "exit");
    try {
      await waitFor(() => output.includes("started"), "the worker to start");
      expect(output).toMatch(/TF\.js backend: wasm \(auto: wasm, since /);
      expect(output).toMatch(/training worker \S+ started; heartbeat every 5 s; runs one_stage, two_stage jobs on wasm/);
      const [worker] = await env.db.worker.findMany({ where: { id: { not: "dead" } } });
      expect(worker).toMatchObject({ kind: "training", pid: child.pid, capabilities: expect.objectContaining({ jobKinds: ["one_stage", "two_stage"], backend: "wasm" }) });

      // The dead worker's job is re-queued, claimed and run: this dataset has no images, which
      // the trainer says plainly.
      await waitFor(async () => (await getJob(orphan.id, env.db)).status === "failed", "the dead worker's job to be re-queued and run");
      expect((await getJob(orphan.id, env.db)).error).toMatch(/needs labelled images in both the train and val splits/);
      await waitFor(async () => (await getJob(other.id, env.db)).status === "failed", "the two-stage job to be claimed and run");
      expect(await getJob(other.id, env.db)).toMatchObject({ attempts: 1, error: expect.stringMatching(/needs labelled images in both the train and val splits/) });

      child.kill("SIGTERM");
      const [code] = await exited;
      expect({ code, output }).toMatchObject({ code: 0 });
      expect(output).toContain("SIGTERM: stopping");
      expect(await env.db.worker.findUnique({ where: { id: worker!.id } })).toMatchObject({ status: "stopped" });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });

  it("exits at once, saying what to install, when MASKLAB_BACKEND asks for a backend the machine lacks", { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "workers/training-worker.ts"], {
      // no Vulkan driver at all: Dawn finds no adapter
      env: { ...process.env, DATA_DIR: env.dir, DATABASE_URL: "", MASKLAB_BACKEND: "webgpu", VK_DRIVER_FILES: "/nonexistent/icd.json", VK_ICD_FILENAMES: "/nonexistent/icd.json" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const [code] = await once(child, "exit");
    expect({ code, output }).toMatchObject({ code: 1 });
    expect(output).toContain("training worker: webgpu requested but no WebGPU adapter was found");
    expect(output).toContain("NVIDIA driver's Vulkan ICD");
    expect(await env.db.worker.count()).toBe(0);
  });
});
